using CstPortal.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CstPortal.Data;

/// <summary>Which database engine holds the data: SQLite on one machine (the default) or PostgreSQL for scale-out.</summary>
public enum DatabaseProvider { Sqlite, PostgreSQL }

/// <summary>
/// The "Cst:Database" section. <c>Provider</c> = Sqlite | PostgreSQL; for PostgreSQL the connection string is
/// <c>Cst:Database:ConnectionString</c> or, when that is empty, <c>ConnectionStrings:Postgres</c>.
/// </summary>
public sealed class DatabaseOptions
{
    public const string Section = "Cst:Database";
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;
    public string? ConnectionString { get; set; }
}

/// <summary>The database this process talks to: the provider and a full connection string.</summary>
public sealed record DatabaseTarget(DatabaseProvider Provider, string ConnectionString)
{
    public static DatabaseTarget Sqlite(string dataDirectory) => new(DatabaseProvider.Sqlite, DatabaseSetup.SqliteConnectionString(dataDirectory));

    public static DatabaseTarget Postgres(string connectionString) => new(DatabaseProvider.PostgreSQL, connectionString);

    /// <summary>Reads the configuration; SQLite lives in the data directory, PostgreSQL needs a connection string.</summary>
    public static DatabaseTarget FromConfiguration(IConfiguration configuration, string dataDirectory)
    {
        var options = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        if (options.Provider == DatabaseProvider.Sqlite) return Sqlite(dataDirectory);
        var connectionString = options.ConnectionString is { Length: > 0 } cs ? cs : configuration.GetConnectionString("Postgres");
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new InvalidOperationException(
                "Cst:Database:Provider is PostgreSQL but no connection string is configured: set Cst:Database:ConnectionString " +
                "or ConnectionStrings:Postgres (e.g. Cst__Database__ConnectionString=\"Host=127.0.0.1;Database=cst;Username=cst;Password=...\").");
        return Postgres(connectionString);
    }

    /// <summary>Points a context's options at this database, with the provider's settings.</summary>
    public void Configure(DbContextOptionsBuilder options)
    {
        if (Provider == DatabaseProvider.PostgreSQL)
            options.UseNpgsql(ConnectionString);
        else
            options.UseSqlite(ConnectionString).AddInterceptors(SqliteBusyTimeout.Instance);
    }
}

/// <summary>
/// Makes the context for the configured provider: <see cref="CstDbContext"/> on SQLite,
/// <see cref="PostgresCstDbContext"/> (same model, its own migrations) on PostgreSQL. Services keep asking
/// for <c>IDbContextFactory&lt;CstDbContext&gt;</c> and do not know which one they got.
/// </summary>
public sealed class CstDbContextFactory(DbContextOptions<CstDbContext> options, DatabaseTarget target) : IDbContextFactory<CstDbContext>
{
    public CstDbContext CreateDbContext() =>
        target.Provider == DatabaseProvider.PostgreSQL ? new PostgresCstDbContext(options) : new CstDbContext(options);
}

public static class DatabaseRegistration
{
    /// <summary>
    /// The app's database: one short-lived context per operation from IDbContextFactory&lt;CstDbContext&gt;, plus a
    /// scoped context for Identity's stores made by the same factory. The target is read when first needed, so test
    /// hosts and environment variables can still move it.
    /// </summary>
    public static IServiceCollection AddCstDatabase(this IServiceCollection services, Func<IServiceProvider, DatabaseTarget> target)
    {
        services.AddSingleton(target);
        services.AddDbContextFactory<CstDbContext, CstDbContextFactory>((sp, options) => sp.GetRequiredService<DatabaseTarget>().Configure(options));
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<CstDbContext>>().CreateDbContext());
        return services;
    }

    /// <summary>The app's own registration: provider and connection string from configuration (see <see cref="DatabaseOptions"/>).</summary>
    public static IServiceCollection AddCstDatabase(this IServiceCollection services, IConfiguration configuration) =>
        services.AddCstDatabase(sp =>
        {
            var dataDirectory = sp.GetRequiredService<IOptions<CstOptions>>().Value
                .ResolveDataDirectory(sp.GetRequiredService<IHostEnvironment>().ContentRootPath);
            Directory.CreateDirectory(dataDirectory); // evidence, keys and mail live here on either provider
            return DatabaseTarget.FromConfiguration(configuration, dataDirectory);
        });
}
