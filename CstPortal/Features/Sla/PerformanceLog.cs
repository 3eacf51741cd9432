using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CstPortal.Data;
using CstPortal.Features.Audit;
using CstPortal.Features.Requests;
using Microsoft.EntityFrameworkCore;

namespace CstPortal.Features.Sla;

/// <summary>Appends to and checks the hash-chained performance log (the same scheme as the audit log).</summary>
public static class PerformanceLog
{
    /// <summary>
    /// Adds the next link inside the caller's unit of work (call it inside a transaction, so the last link
    /// read is still the last when the change is saved; the unique Sequence stops a fork, and on PostgreSQL
    /// <see cref="ChainAppendLock"/> makes concurrent appends wait their turn).
    /// </summary>
    public static async Task AppendAsync(CstDbContext db, ServiceRequest request, PerformanceEvent what, SlaTarget target, int level,
        DateTime dueAt, DateTime actualAt, DateTime now, CancellationToken ct = default)
    {
        var pending = db.ChangeTracker.Entries<PerformanceEntry>().Where(e => e.State == EntityState.Added)
            .Select(e => e.Entity).OrderByDescending(e => e.Sequence).FirstOrDefault();
        if (pending is null) await ChainAppendLock.AcquireAsync(db, ct);
        var last = pending ?? await db.PerformanceEntries.AsNoTracking().OrderByDescending(e => e.Sequence)
            .Select(e => new PerformanceEntry { Sequence = e.Sequence, Hash = e.Hash }).FirstOrDefaultAsync(ct);
        var entry = new PerformanceEntry
        {
            Sequence = (last?.Sequence ?? 0) + 1, At = Truncate(now), Event = what, Target = target, Level = level,
            ServiceRequestId = request.Id, RequestNumber = request.Number, CategoryId = request.CategoryId,
            TeamId = request.AssignedTeamId, AgentId = request.AssignedAgentId, DueAt = Truncate(dueAt), ActualAt = Truncate(actualAt),
            PreviousHash = last?.Hash ?? AuditLog.GenesisHash,
        };
        db.PerformanceEntries.Add(entry with { Hash = ComputeHash(entry) });
    }

    private static DateTime Truncate(DateTime t) =>
        DateTime.SpecifyKind(new DateTime(t.Ticks - t.Ticks % TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);

    public static string ComputeHash(PerformanceEntry e)
    {
        var canonical = new StringBuilder();
        foreach (var field in new[]
                 {
                     e.PreviousHash, e.Sequence.ToString(CultureInfo.InvariantCulture), Time(e.At), e.Event.ToString(), e.Target.ToString(),
                     e.Level.ToString(CultureInfo.InvariantCulture), e.ServiceRequestId.ToString(CultureInfo.InvariantCulture), e.RequestNumber,
                     e.CategoryId.ToString(CultureInfo.InvariantCulture), e.TeamId?.ToString(CultureInfo.InvariantCulture) ?? "",
                     e.AgentId?.ToString(CultureInfo.InvariantCulture) ?? "", Time(e.DueAt), Time(e.ActualAt),
                 })
            canonical.Append(field.Length).Append(':').Append(field).Append('|');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())));
    }

    private static string Time(DateTime t) => t.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    /// <summary>Walks the chain; null when intact, else the first sequence that does not check out.</summary>
    public static async Task<long?> FirstBrokenAsync(CstDbContext db, CancellationToken ct = default)
    {
        var previous = AuditLog.GenesisHash;
        long expected = 1;
        await foreach (var e in db.PerformanceEntries.AsNoTracking().OrderBy(e => e.Sequence).AsAsyncEnumerable().WithCancellation(ct))
        {
            if (e.Sequence != expected || e.PreviousHash != previous || ComputeHash(e) != e.Hash) return expected;
            previous = e.Hash;
            expected++;
        }
        return null;
    }
}
