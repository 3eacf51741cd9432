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
        var subject = $"Request {request.Number} is now {TransitionRules.Describe(request.Status).ToLowerInvariant()}";
        var body = $"The problem you reported as {request.Number} is now: {TransitionRules.Describe(request.Status)}.\n" +
                   $"Follow it at /public/requests/{request.Number}";
        foreach (var s in supporters)
        {
            var key = $"support:{request.Number}:{request.Version}:{s.Id}";
            if (s.UserId is not null)
                Outbox.Enqueue(db, now, NotificationChannel.InApp, subject, body, recipientUserId: s.UserId, requestNumber: request.Number, deduplicationKey: key);
            else if (s.Email is not null)
                Outbox.Enqueue(db, now, NotificationChannel.Email, subject, body, recipientEmail: s.Email, requestNumber: request.Number, deduplicationKey: key);
        }
    }
}
