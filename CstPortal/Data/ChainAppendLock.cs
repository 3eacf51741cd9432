using Microsoft.EntityFrameworkCore;

namespace CstPortal.Data;

/// <summary>
/// Serializes appends to the hash chains (audit log, SLA performance log) on PostgreSQL, across every connection and
/// every app node: the appending transaction takes one transaction-scoped advisory lock before it reads the last link,
/// so the next writer waits until this one commits and then links to it. The chain never forks, and concurrent writers
/// wait instead of failing on the unique Sequence. On SQLite the database has one writer at a time and the unique
/// Sequence refuses a fork. One lock for both chains, so two transactions can never take them in opposite orders.
/// </summary>
public static class ChainAppendLock
{
    /// <summary>The advisory lock's key: any constant the app uses for nothing else ("CST" "AUDIT").</summary>
    public const long Key = 0x0C57_A0D1_7000;

    public static async Task AcquireAsync(CstDbContext db, CancellationToken ct = default)
    {
        if (!db.Database.IsNpgsql()) return;
        if (db.Database.CurrentTransaction is null)
            throw new InvalidOperationException("Append to the audit or performance log inside a transaction (BeginTransactionAsync): the chain's lock lasts as long as the transaction.");
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({Key})", ct);
    }
}
