using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CstPortal.Data;
using CstPortal.Features.Requests;
using Microsoft.EntityFrameworkCore;

namespace CstPortal.Features.Audit;

/// <summary>One change to record in the audit log: who did what to which entity, and what changed (serialized as JSON).</summary>
public sealed record AuditRecord(ActorInfo Actor, string Action, string EntityType, string EntityId, object? Data);

/// <summary>Appends to and checks the hash-chained audit log.</summary>
public static class AuditLog
{
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>
    /// Adds the next link to the chain inside the caller's unit of work; it is saved with the change it
    /// records, in the same transaction. Call it inside a transaction so the last link read is still last
    /// (on PostgreSQL the transaction also holds <see cref="ChainAppendLock"/>, so concurrent appends queue up).
    /// </summary>
    public static Task AppendAsync(CstDbContext db, ActorInfo actor, string action, string entityType, string entityId,
        object? data, DateTime now, CancellationToken ct = default) =>
        AppendAllAsync(db, [new AuditRecord(actor, action, entityType, entityId, data)], now, ct);

    /// <summary>
    /// As <see cref="AppendAsync"/> for several changes of one unit of work (a batch of submissions): the chain's
    /// last link is read once and the new links follow it in the order given.
    /// </summary>
    public static async Task AppendAllAsync(CstDbContext db, IReadOnlyCollection<AuditRecord> records, DateTime now, CancellationToken ct = default)
    {
        if (records.Count == 0) return;
        var pending = db.ChangeTracker.Entries<AuditEntry>()
            .Where(e => e.State == EntityState.Added)
            .Select(e => e.Entity)
            .OrderByDescending(e => e.Sequence)
            .FirstOrDefault();
        if (pending is null) await ChainAppendLock.AcquireAsync(db, ct);
        var last = pending ?? await db.AuditEntries.AsNoTracking()
            .OrderByDescending(e => e.Sequence)
            .Select(e => new AuditEntry { Sequence = e.Sequence, Hash = e.Hash })
            .FirstOrDefaultAsync(ct);

        var (sequence, hash) = (last?.Sequence ?? 0, last?.Hash ?? GenesisHash);
        foreach (var r in records)
        {
            var entry = Link(sequence, hash, now, r.Actor, r.Action, r.EntityType, r.EntityId,
                r.Data is null ? "{}" : JsonSerializer.Serialize(r.Data));
            db.AuditEntries.Add(entry);
            (sequence, hash) = (entry.Sequence, entry.Hash);
        }
    }

    /// <summary>Builds the entry that follows the given link.</summary>
    public static AuditEntry Link(long previousSequence, string previousHash, DateTime at, ActorInfo actor, string action,
        string entityType, string entityId, string data)
    {
        var entry = new AuditEntry
        {
            Sequence = previousSequence + 1,
            At = DateTime.SpecifyKind(new DateTime(at.Ticks - at.Ticks % TimeSpan.TicksPerMillisecond), DateTimeKind.Utc),
            ActorUserId = actor.UserId,
            ActorName = actor.Name,
            Action = action,
            EntityType = entityType,
            EntityId = entityId,
            Data = data,
            PreviousHash = previousHash,
        };
        return entry with { Hash = ComputeHash(entry) };
    }

    /// <summary>SHA-256 over the previous hash and every field of the entry, each length-prefixed so no two entries read alike.</summary>
    public static string ComputeHash(AuditEntry e)
    {
        var canonical = new StringBuilder();
        foreach (var field in new[]
                 {
                     e.PreviousHash, e.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     e.At.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture),
                     e.ActorUserId ?? "", e.ActorName, e.Action, e.EntityType, e.EntityId, e.Data,
                 })
        {
            canonical.Append(field.Length).Append(':').Append(field).Append('|');
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())));
    }
}
