using CstPortal.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace CstPortal.Data;

/// <summary>
/// The same model as <see cref="CstDbContext"/> on PostgreSQL. It exists as its own type only so that its
/// migrations (Data/PostgresMigrations) are kept apart from SQLite's (Data/Migrations), as EF Core recommends for
/// several providers. Regenerate with scripts/regenerate-postgres-migrations.sh, or add one with
/// <c>dotnet ef migrations add NAME --project CstPortal --context PostgresCstDbContext --output-dir Data/PostgresMigrations</c>.
/// </summary>
public sealed class PostgresCstDbContext(DbContextOptions<CstDbContext> options) : CstDbContext(options);

/// <summary>
/// For <c>dotnet ef</c> only: a PostgreSQL context without a server (scaffolding needs no connection). It carries the
/// app's Identity options, because the Identity schema version decides which Identity tables the model has.
/// </summary>
public sealed class PostgresCstDbContextDesignTimeFactory : IDesignTimeDbContextFactory<PostgresCstDbContext>
{
    public PostgresCstDbContext CreateDbContext(string[] args)
    {
        var appServices = new ServiceCollection().AddLogging();
        appServices.AddCstIdentity();
        return new(new DbContextOptionsBuilder<CstDbContext>()
            .UseNpgsql("Host=127.0.0.1;Database=cstportal_design")
            .UseApplicationServiceProvider(appServices.BuildServiceProvider())
            .Options);
    }
}

/// <summary>
/// For <c>dotnet ef</c> only: the SQLite context. Without it, the tools would build <see cref="CstDbContext"/> with the
/// PostgreSQL factory above (a factory of a derived context counts for its base), and SQLite migrations would come out
/// with PostgreSQL column types.
/// </summary>
public sealed class SqliteCstDbContextDesignTimeFactory : IDesignTimeDbContextFactory<CstDbContext>
{
    public CstDbContext CreateDbContext(string[] args)
    {
        var appServices = new ServiceCollection().AddLogging();
        appServices.AddCstIdentity();
        return new(new DbContextOptionsBuilder<CstDbContext>()
            .UseSqlite(DatabaseSetup.SqliteConnectionString(Path.GetTempPath()))
            .UseApplicationServiceProvider(appServices.BuildServiceProvider())
            .Options);
    }
}
