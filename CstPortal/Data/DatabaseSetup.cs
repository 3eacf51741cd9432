using CstPortal.Common;
using CstPortal.Data.DemoCity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CstPortal.Data;

/// <summary>
/// At start: apply the provider's migrations (SQLite: Data/Migrations, PostgreSQL: Data/PostgresMigrations), switch SQLite
/// to WAL, create the roles, seed the demo city when empty.
/// </summary>
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
        // Several app nodes may start together on one PostgreSQL database (EF Core serializes their migrations itself):
        // one seeds while the others wait, then find the city there. SQLite has one app per file.
        await using var seedLock = await factory.CreateDbContextAsync(ct);
        var postgres = seedLock.Database.IsNpgsql();
        if (postgres)
        {
            await seedLock.Database.OpenConnectionAsync(ct);
            await seedLock.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock({SeedLockKey})", ct);
        }
        try
        {
            var seeder = sp.GetRequiredService<DemoCitySeeder>();
            if (options.SeedDemoCity) await seeder.SeedAsync(options.DemoRequestCount, options.DemoSeed, ct, options.DemoHistoryDays, options.DemoOpenShare);
            else await seeder.EnsureRolesAsync();
            await ResyncIdentitySequencesAsync(seedLock, ct);
        }
        finally
        {
            if (postgres) await seedLock.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({SeedLockKey})", CancellationToken.None);
        }
    }

    /// <summary>The session advisory lock nodes take around seeding on PostgreSQL (any constant the app uses for nothing else).</summary>
    public const long SeedLockKey = 0x0C57_5EED_0001;

    /// <summary>
    /// PostgreSQL only: the demo city is inserted with its own ids, which identity columns do not notice; move every
    /// identity sequence past the largest id in its table so the next insert gets a free one, never backwards (a node
    /// starting beside running nodes must not hand out ids they already used). (SQLite needs nothing: its rowids follow
    /// the largest id by themselves.)
    /// </summary>
    public static async Task ResyncIdentitySequencesAsync(CstDbContext db, CancellationToken ct = default)
    {
        if (!db.Database.IsNpgsql()) return;
        await db.Database.ExecuteSqlRawAsync("""
            DO $$
            DECLARE c record; s text;
            BEGIN
              FOR c IN SELECT table_schema, table_name, column_name FROM information_schema.columns
                       WHERE table_schema = current_schema() AND is_identity = 'YES' LOOP
                s := pg_get_serial_sequence(format('%I.%I', c.table_schema, c.table_name), c.column_name);
                -- Only ever forward: another node may be inserting right now with ids its sequence handed out.
                EXECUTE format('SELECT setval(%L, GREATEST(COALESCE((SELECT MAX(%I) FROM %I.%I), 0) + 1, nextval(%L)), false)',
                               s, c.column_name, c.table_schema, c.table_name, s);
              END LOOP;
            END $$;
            """, ct);
    }
}
