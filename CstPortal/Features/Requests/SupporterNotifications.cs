using CstPortal.Common;
using CstPortal.Data;
using CstPortal.Features.Notifications;
using CstPortal.Features.Workflow;
using Microsoft.EntityFrameworkCore;

namespace CstPortal.Features.Requests;

/// <summary>People who joined a request hear about its progress: queued in the same unit of work as the change.</summary>
public static class SupporterNotifications
{
    public static async Task EnqueueAsync(CstDbContext db, ServiceRequest request, DateTime now, CancellationToken ct)
    {
        var supporters = await db.RequestSupporters.AsNoTracking().Where(s => s.ServiceRequestId == request.Id).ToListAsync(ct);
        IReadOnlyDictionary<string, string> Values() => new Dictionary<string, string>
        {
            ["number"] = request.Number, ["status"] = Texts.Get(request.Status.Label()).ToLower(System.Globalization.CultureInfo.CurrentCulture), ["link"] = $"/public/requests/{request.Number}",
        };
        foreach (var s in supporters)
        {
            var key = $"support:{request.Number}:{request.Version}:{s.Id}";
            if (s.UserId is not null)
                await Outbox.EnqueueAsync(db, now, NotificationChannel.InApp, NotificationTexts.SupporterUpdate, Values, recipientUserId: s.UserId, requestNumber: request.Number, deduplicationKey: key, ct: ct);
            else if (s.Email is not null)
                await Outbox.EnqueueAsync(db, now, NotificationChannel.Email, NotificationTexts.SupporterUpdate, Values, recipientEmail: s.Email, requestNumber: request.Number, deduplicationKey: key, ct: ct);
        }
    }
}
