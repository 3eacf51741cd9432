using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CstPortal.Data;

/// <summary>
/// SQLite connections wait for another writer's lock inside SQLite (<c>PRAGMA busy_timeout</c>, which retries within
/// milliseconds) rather than in Microsoft.Data.Sqlite's own retry loop, which sleeps 150 ms between tries: a batch of
/// Open311 submissions that met a job's write transaction lost 150 ms or more each time. Same limit as before (the
/// connection string's Default Timeout); set once per physical connection (pooled connections keep it).
/// </summary>
public sealed class SqliteBusyTimeout : DbConnectionInterceptor
{
    public static readonly SqliteBusyTimeout Instance = new();
    private static readonly ConditionalWeakTable<SQLitePCL.sqlite3, object> Applied = new();

    private SqliteBusyTimeout() { }

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private static void Apply(DbConnection connection)
    {
        if (connection is not SqliteConnection { Handle: { } handle } sqlite || Applied.TryGetValue(handle, out _)) return;
        using var command = sqlite.CreateCommand();
        command.CommandText = $"PRAGMA busy_timeout = {Math.Max(1, sqlite.DefaultTimeout) * 1000L}";
        command.ExecuteNonQuery();
        Applied.AddOrUpdate(handle, Instance);
    }
}
