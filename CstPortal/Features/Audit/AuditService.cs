using CstPortal.Common;
using CstPortal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace CstPortal.Features.Audit;

public sealed record AuditVerification(bool Intact, long EntriesChecked, long? FirstBrokenSequence, string Message);

public sealed record AuditRow(long Sequence, DateTime At, string ActorName, string Action, string EntityType, string EntityId, string Data, string Hash);

public sealed class AuditService(IDbContextFactory<CstDbContext> dbFactory)
{
    /// <summary>
    /// Walks the whole chain in order and names the first entry whose link or content does not check out.
    /// Streams the entries, so a long log is not held in memory.
    /// </summary>
    public async Task<AuditVerification> VerifyAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var expectedPrevious = AuditLog.GenesisHash;
        long expectedSequence = 1, count = 0;
        await foreach (var e in db.AuditEntries.AsNoTracking().OrderBy(e => e.Sequence).AsAsyncEnumerable().WithCancellation(ct))
        {
            count++;
            if (e.Sequence != expectedSequence)
                return Broken(count, expectedSequence, Texts.Get("Entry {0} is missing (the next entry found is {1}).", expectedSequence, e.Sequence));
            if (e.PreviousHash != expectedPrevious)
                return Broken(count, e.Sequence, Texts.Get("Entry {0} does not link to the entry before it.", e.Sequence));
            if (AuditLog.ComputeHash(e) != e.Hash)
                return Broken(count, e.Sequence, Texts.Get("Entry {0} was changed after it was written: its content does not match its hash.", e.Sequence));
            expectedPrevious = e.Hash;
            expectedSequence++;
        }
        return new AuditVerification(true, count, null, count == 0 ? Texts.Get("The audit log is empty.") : Texts.Get("All {0:N0} entries are intact.", count));
    }

    /// <summary>
    /// `dotnet CstPortal.dll verify-audit`: verifies the chain of the configured data directory (the app may be
    /// running) and exits 0 when it is intact, 2 when it is broken. The crash test uses it.
    /// </summary>
    public static async Task<int> RunVerifyCommandAsync(IConfiguration configuration, string contentRoot)
    {
        var options = configuration.GetSection(Common.CstOptions.Section).Get<Common.CstOptions>() ?? new Common.CstOptions();
        var dataDirectory = options.ResolveDataDirectory(contentRoot);
        var db = new DbContextOptionsBuilder<CstDbContext>().UseSqlite(DatabaseSetup.SqliteConnectionString(dataDirectory)).Options;
        var result = await new AuditService(new PooledDbContextFactory<CstDbContext>(db)).VerifyAsync();
        Console.WriteLine($"Audit log of {dataDirectory}: {result.Message}");
        return result.Intact ? 0 : 2;
    }

    private static AuditVerification Broken(long checkedCount, long sequence, string message) =>
        new(false, checkedCount, sequence, message);

    public async Task<IReadOnlyList<AuditRow>> RecentAsync(int take = 100, string? entityId = null, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.AuditEntries.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(entityId)) query = query.Where(e => e.EntityId == entityId);
        return await query.OrderByDescending(e => e.Sequence).Take(Math.Clamp(take, 1, 500))
            .Select(e => new AuditRow(e.Sequence, e.At, e.ActorName, e.Action, e.EntityType, e.EntityId, e.Data, e.Hash))
            .ToListAsync(ct);
    }
}
