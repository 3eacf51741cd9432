using CstPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace CstPortal.Tests.Security;

/// <summary>
/// What "nothing changed" means in the security tests: the row counts of every table a user can write to, the
/// sum of request versions (any change to any request raises one), the audit log's head, and the stored files.
/// Records compare by value, so <c>Assert.Equal(before, after)</c> names what differs.
/// </summary>
public sealed record StateSnapshot(
    int Requests, long VersionSum, int History, int Comments, int Notes, int Milestones, int Evidence, int Ratings, int Supporters,
    int Outbox, int Open311Submissions, int Categories, int Agents, long AuditHead, string AuditHeadHash, int EvidenceFiles)
{
    public static async Task<StateSnapshot> TakeAsync(IDbContextFactory<CstDbContext> dbFactory, string dataDirectory)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var head = await db.AuditEntries.AsNoTracking().OrderByDescending(e => e.Sequence).Select(e => new { e.Sequence, e.Hash }).FirstOrDefaultAsync();
        var evidence = Path.Combine(dataDirectory, "evidence");
        return new StateSnapshot(
            await db.Requests.CountAsync(), await db.Requests.SumAsync(r => r.Version), await db.StatusChanges.CountAsync(),
            await db.Comments.CountAsync(), await db.InternalNotes.CountAsync(), await db.Milestones.CountAsync(), await db.Evidence.CountAsync(),
            await db.Ratings.CountAsync(), await db.RequestSupporters.CountAsync(), await db.Outbox.CountAsync(),
            await db.Open311Submissions.CountAsync(), await db.Categories.CountAsync(), await db.Agents.CountAsync(),
            head?.Sequence ?? 0, head?.Hash ?? "", Directory.Exists(evidence) ? Directory.EnumerateFiles(evidence, "*", SearchOption.AllDirectories).Count() : 0);
    }
}
