using CstPortal.Data;
using CstPortal.Features.Audit;
using CstPortal.Features.Notifications;
using CstPortal.Features.Requests;
using CstPortal.Features.Workflow;
using Microsoft.EntityFrameworkCore;

namespace CstPortal.Features.Duplicates;

/// <summary>
/// Merging a duplicate into its master, inside the caller's unit of work (the workflow's close-as-duplicate):
/// the duplicate's reporter and supporters become supporters of the master and are told, the master's
/// supporter count rises, and the merge is audited on the master too. The duplicate's photos and public
/// comments stay where they are and are shown from the master (it links back through MasterRequestId).
/// </summary>
public static class DuplicateMerge
{
    /// <returns>The master's number (its page shows the merge too).</returns>
    public static async Task<RequestChanged> MergeAsync(CstDbContext db, ServiceRequest duplicate, int masterId, Common.Actor actor, DateTime now, CancellationToken ct)
    {
        var master = await db.Requests.AsNoTracking().Where(r => r.Id == masterId)
            .Select(r => new { r.Id, r.Number, r.ReporterUserId, r.ReporterEmail, r.Status }).SingleAsync(ct);

        var people = new List<(string? UserId, string? Email)>();
        if (duplicate.ReporterUserId is not null || duplicate.ReporterEmail is not null)
            people.Add((duplicate.ReporterUserId, duplicate.ReporterEmail));
        people.AddRange(await db.RequestSupporters.AsNoTracking().Where(s => s.ServiceRequestId == duplicate.Id)
            .Select(s => new { s.UserId, s.Email }).ToListAsync(ct).ContinueWith(t => t.Result.Select(x => (x.UserId, x.Email)), ct));

        var existing = await db.RequestSupporters.AsNoTracking().Where(s => s.ServiceRequestId == masterId)
            .Select(s => new { s.UserId, s.Email }).ToListAsync(ct);
        var added = 0;
        foreach (var (userId, email) in people.Distinct())
        {
            var isMasterReporter = (userId is not null && userId == master.ReporterUserId) || (email is not null && email == master.ReporterEmail);
            var already = existing.Any(e => (userId is not null && e.UserId == userId) || (userId is null && email is not null && e.Email == email));
            if (!isMasterReporter && !already)
            {
                db.RequestSupporters.Add(new RequestSupporter { ServiceRequestId = masterId, UserId = userId, Email = email, At = now });
                added++;
            }
            await Outbox.EnqueueAsync(db, now, userId is null ? NotificationChannel.Email : NotificationChannel.InApp, NotificationTexts.Merged,
                () => new Dictionary<string, string> { ["duplicate"] = duplicate.Number, ["master"] = master.Number },
                recipientUserId: userId, recipientEmail: userId is null ? email : null, requestNumber: master.Number,
                deduplicationKey: $"merge:{duplicate.Number}:{userId ?? email}", ct: ct);
        }

        // The reporter counts as one supporter, plus whoever already supported the duplicate.
        var rise = Math.Max(1, added);
        await db.Requests.Where(r => r.Id == masterId)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.SupporterCount, r => r.SupporterCount + rise), ct);
        await AuditLog.AppendAsync(db, actor.Info, "request.merged", "ServiceRequest", master.Number,
            new { duplicate = duplicate.Number, supportersAdded = added, supporterCountRise = rise }, now, ct);
        return new RequestChanged(master.Number, master.Status.Code());
    }
}
