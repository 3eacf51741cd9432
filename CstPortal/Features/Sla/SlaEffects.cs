using CstPortal.Common;
using CstPortal.Data;
using CstPortal.Features.Notifications;
using CstPortal.Features.Requests;
using CstPortal.Features.Workflow;
using Microsoft.EntityFrameworkCore;

namespace CstPortal.Features.Sla;

/// <summary>
/// What a workflow change means for SLAs and notifications, added to the workflow's own unit of work so it is
/// saved in the same transaction: a target met or missed goes to the performance log, and the reporter (if they
/// gave an email) is told the new status.
/// </summary>
public static class SlaEffects
{
    public static async Task AfterTransitionAsync(CstDbContext db, ServiceRequest request, RequestStatus from, WorkflowAction action, DateTime now, CancellationToken ct)
    {
        if (action == WorkflowAction.Assign && request.ResponseDueAt is { } responseDue)
            await RecordOutcomeOnceAsync(db, request, SlaTarget.Response, responseDue, now, ct);
        if (action == WorkflowAction.Resolve && request.ResolutionDueAt is { } resolutionDue)
            await RecordOutcomeOnceAsync(db, request, SlaTarget.Resolution, resolutionDue, now, ct);

        if (from != request.Status) await NotifyReporterAsync(db, request, now, ct);
    }

    /// <summary>The first time a target is reached counts; a later re-assignment or re-resolution does not rewrite it.</summary>
    private static async Task RecordOutcomeOnceAsync(CstDbContext db, ServiceRequest request, SlaTarget target, DateTime due, DateTime now, CancellationToken ct)
    {
        var recorded = await db.PerformanceEntries.AnyAsync(e => e.ServiceRequestId == request.Id && e.Target == target
            && (e.Event == PerformanceEvent.Met || e.Event == PerformanceEvent.Missed), ct);
        if (recorded) return;
        await PerformanceLog.AppendAsync(db, request, now <= due ? PerformanceEvent.Met : PerformanceEvent.Missed, target, 0, due, now, now, ct);
    }

    private static async Task NotifyReporterAsync(CstDbContext db, ServiceRequest request, DateTime now, CancellationToken ct)
    {
        var email = request.ReporterEmail;
        if (email is null && request.ReporterUserId is { } userId)
            email = await db.Users.Where(u => u.Id == userId && u.EmailConfirmed).Select(u => u.Email).SingleOrDefaultAsync(ct);
        if (string.IsNullOrWhiteSpace(email)) return;
        await Outbox.EnqueueAsync(db, now, NotificationChannel.Email, NotificationTexts.StatusChanged,
            () => new Dictionary<string, string> { ["number"] = request.Number, ["status"] = Texts.Get(request.Status.Label()).ToLower(System.Globalization.CultureInfo.CurrentCulture) },
            recipientUserId: request.ReporterEmail is null ? request.ReporterUserId : null, recipientEmail: email,
            requestNumber: request.Number, deduplicationKey: $"status:{request.Number}:{request.Version}", ct: ct);
    }
}
