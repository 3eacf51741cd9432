using CstPortal.Common;
using CstPortal.Data;
using CstPortal.Data.DemoCity;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Npgsql;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace CstPortal.Tests.Infrastructure;

/// <summary>
/// A real database holding a small demo city, with a temp folder of its own (evidence, mail), the app's own
/// services around it and a clock the test moves. On SQLite (the default) the city is seeded once per test run into
/// a template file and each TestCity starts from a copy of it. On PostgreSQL (a test class marked
/// <see cref="IOnPostgres"/>) it is seeded once into a template database and each TestCity is a
/// <c>CREATE DATABASE ... TEMPLATE</c> copy of it on <see cref="PostgresTestServer"/>. Tests are isolated and still fast.
/// </summary>
public sealed class TestCity : IAsyncDisposable
{
    public const int TemplateRequestCount = 600;
    public const int TemplateSeed = 4242;
    /// <summary>"Now" in every test city: the demo history ends here.</summary>
    public static readonly DateTimeOffset Now = new(2026, 11, 2, 9, 30, 0, TimeSpan.Zero);

    private static readonly Lazy<Task<string>> Template = new(BuildTemplateAsync);
    private static readonly Lazy<Task<string>> PostgresTemplate = new(BuildPostgresTemplateAsync);
    private readonly ServiceProvider _services;

    public string Directory { get; }
    public FakeTimeProvider Clock { get; }
    public IServiceProvider Services => _services;
    /// <summary>The database this city lives in (SQLite file or PostgreSQL database).</summary>
    public DatabaseTarget Database { get; }

    private TestCity(string directory, FakeTimeProvider clock, DatabaseTarget database)
    {
        Directory = directory;
        Clock = clock;
        Database = database;
        _services = BuildServices(directory, clock, database);
    }

    /// <summary>A new city for a test; on PostgreSQL when the test class is marked <see cref="IOnPostgres"/>.</summary>
    public static Task<TestCity> CreateAsync(object? testClass = null) =>
        CreateAsync(testClass is IOnPostgres ? DatabaseProvider.PostgreSQL : DatabaseProvider.Sqlite);

    public static async Task<TestCity> CreateAsync(DatabaseProvider provider)
    {
        var dir = NewTempDirectory();
        var clock = new FakeTimeProvider(Now);
        if (provider == DatabaseProvider.PostgreSQL)
        {
            var template = await PostgresTemplate.Value;
            var name = "cst_test_" + Guid.NewGuid().ToString("N");
            await PostgresTestServer.ExecuteAsync($"""CREATE DATABASE "{name}" TEMPLATE "{template}" """);
            return new TestCity(dir, clock, DatabaseTarget.Postgres(PostgresTestServer.ForDatabase(await PostgresTestServer.AdminConnectionStringAsync(), name)));
        }
        File.Copy(await Template.Value, Path.Combine(dir, "cstportal.db"));
        return new TestCity(dir, clock, DatabaseTarget.Sqlite(dir));
    }

    /// <summary>Another set of the app's services on this city's database and clock, as a restarted app would have.</summary>
    public ServiceProvider NewServices() => BuildServices(Directory, Clock, Database);

    /// <summary>
    /// Lets the test change the append-only tables (audit and performance logs) behind the application's back, as an
    /// attacker with database access would: drops SQLite's triggers, or disables PostgreSQL's.
    /// </summary>
    public async Task DisableAppendOnlyGuardsAsync()
    {
        var statements = Database.Provider == DatabaseProvider.PostgreSQL
            ? PostgresSchemaSql.AppendOnlyTables.Select(table => $"""ALTER TABLE "{table}" DISABLE TRIGGER USER""")
            : new[]
            {
                CstPortal.Data.Migrations.AuditAppendOnly.NoUpdateTrigger, CstPortal.Data.Migrations.AuditAppendOnly.NoDeleteTrigger,
                CstPortal.Data.Migrations.SlaPerformanceLogAppendOnly.NoUpdateTrigger, CstPortal.Data.Migrations.SlaPerformanceLogAppendOnly.NoDeleteTrigger,
            }.Select(trigger => $"DROP TRIGGER {trigger}");
        await using var db = Db();
        foreach (var sql in statements) await db.Database.ExecuteSqlRawAsync(sql);
    }

    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    /// <summary>A new scope, as a circuit or request would have.</summary>
    public AsyncServiceScope Scope() => _services.CreateAsyncScope();

    public CstDbContext Db() => Get<IDbContextFactory<CstDbContext>>().CreateDbContext();

    public static string NewTempDirectory()
    {
        var dir = Path.Combine(Path.GetTempPath(), "cst-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>The app's services on the SQLite database in <paramref name="dataDirectory"/>.</summary>
    public static ServiceProvider BuildServices(string dataDirectory, TimeProvider clock) =>
        BuildServices(dataDirectory, clock, DatabaseTarget.Sqlite(dataDirectory));

    public static ServiceProvider BuildServices(string dataDirectory, TimeProvider clock, DatabaseTarget database)
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton(clock);
        services.AddCstDatabase(_ => database);
        services.AddDataProtection();
        services.AddCstIdentity();
        services.AddCstFeatures();
        services.Configure<CstOptions>(o =>
        {
            o.DataDirectory = dataDirectory;
            o.DemoRequestCount = TemplateRequestCount;
            o.DemoSeed = TemplateSeed;
        });
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
    }

    private static async Task<string> BuildTemplateAsync()
    {
        var dir = NewTempDirectory();
        // The app's own start-up path: migrations, WAL, roles, demo city.
        await using (var services = BuildServices(dir, new FakeTimeProvider(Now)))
            await DatabaseSetup.InitializeAsync(services);
        SqliteConnection.ClearAllPools();
        return Path.Combine(dir, "cstportal.db");
    }

    /// <summary>The PostgreSQL template database: migrated and seeded once per run through the app's own start-up path.</summary>
    private static async Task<string> BuildPostgresTemplateAsync()
    {
        var admin = await PostgresTestServer.AdminConnectionStringAsync();
        var name = "cst_template_" + Guid.NewGuid().ToString("N");
        var target = DatabaseTarget.Postgres(PostgresTestServer.ForDatabase(admin, name));
        await using (var services = BuildServices(NewTempDirectory(), new FakeTimeProvider(Now), target))
            await DatabaseSetup.InitializeAsync(services); // EF creates the database, then migrations, roles, demo city
        // A template must have no open connections while it is copied: close this run's pooled ones.
        NpgsqlConnection.ClearAllPools();
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { PostgresTestServer.ExecuteAsync($"""DROP DATABASE IF EXISTS "{name}" WITH (FORCE)""").GetAwaiter().GetResult(); }
            catch (NpgsqlException) { /* the throwaway cluster is going away anyway */ }
        };
        return name;
    }

    /// <summary>The user id of a demo user, by role.</summary>
    public async Task<Actor> ActorAsync(string role)
    {
        var email = DemoCityPlan.Users.Single(u => u.Role == role).Email;
        await using var scope = Scope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByEmailAsync(email) ?? throw new InvalidOperationException(email);
        return new Actor(user.Id, user.DisplayName, new HashSet<string> { role });
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        if (Database.Provider == DatabaseProvider.PostgreSQL)
        {
            var name = new NpgsqlConnectionStringBuilder(Database.ConnectionString).Database;
            await using (var pooled = new NpgsqlConnection(Database.ConnectionString)) NpgsqlConnection.ClearPool(pooled);
            await PostgresTestServer.ExecuteAsync($"""DROP DATABASE IF EXISTS "{name}" WITH (FORCE)""");
        }
        else SqliteConnection.ClearAllPools();
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { /* a file still open on a slow machine: the temp folder is cleaned later */ }
    }
}
