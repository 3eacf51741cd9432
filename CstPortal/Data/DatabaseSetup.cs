using CstPortal.Common;
using CstPortal.Data.DemoCity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CstPortal.Data;

/// <summary>At start: apply migrations, switch SQLite to WAL, create the roles, seed the demo city when empty.</summary>
public static class DatabaseSetup
{
    public static string SqliteConnectionString(string dataDirectory) =>
        $"Data Source={Path.Combine(dataDirectory, "cstportal.db")};Cache=Private;Foreign Keys=True;Default Timeout=30;Pooling=True";

    public static async Task InitializeAsync(IServiceProvider services, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var options = sp.GetRequiredService<IOptions<CstOptions>>().Value;
        var factory = sp.GetRequiredService<IDbContextFactory<CstDbContext>>();
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            if (db.Database.IsSqlite())
            {
                // WAL lets readers run while one writer writes; it is a property of the file, set once.
                await db.Database.OpenConnectionAsync(ct);
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
            }
            await db.Database.MigrateAsync(ct);
        }
        var seeder = sp.GetRequiredService<DemoCitySeeder>();
        if (options.SeedDemoCity) await seeder.SeedAsync(options.DemoRequestCount, options.DemoSeed, ct, options.DemoHistoryDays, options.DemoOpenShare);
        else await seeder.EnsureRolesAsync();
    }
}
