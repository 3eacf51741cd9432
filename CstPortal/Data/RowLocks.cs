using Microsoft.EntityFrameworkCore;

namespace CstPortal.Data;

/// <summary>
/// Pessimistic locks a unit of work takes before it reads what it will change, where the provider needs one.
/// SQLite's write transactions (BEGIN IMMEDIATE) already run one at a time; PostgreSQL runs them side by side, so a
/// transaction that reads a request, checks its version and then writes must hold the request's row lock from the read:
/// a second writer then waits, reads the new version and is told the request changed, as on SQLite.
/// </summary>
public static class RowLocks
{
    /// <summary>Locks the request's row until the transaction ends (PostgreSQL: SELECT ... FOR UPDATE; SQLite: nothing to do).</summary>
    public static async Task LockRequestAsync(CstDbContext db, string number, CancellationToken ct = default)
    {
        if (!db.Database.IsNpgsql()) return;
        if (db.Database.CurrentTransaction is null)
            throw new InvalidOperationException("Lock a request inside the transaction that changes it.");
        await db.Database.ExecuteSqlAsync($"""SELECT 1 FROM "ServiceRequests" WHERE "Number" = {number} FOR UPDATE""", ct);
    }

    /// <summary>As above, by the request's id.</summary>
    public static async Task LockRequestAsync(CstDbContext db, int requestId, CancellationToken ct = default)
    {
        if (!db.Database.IsNpgsql()) return;
        if (db.Database.CurrentTransaction is null)
            throw new InvalidOperationException("Lock a request inside the transaction that changes it.");
        await db.Database.ExecuteSqlAsync($"""SELECT 1 FROM "ServiceRequests" WHERE "Id" = {requestId} FOR UPDATE""", ct);
    }
}
