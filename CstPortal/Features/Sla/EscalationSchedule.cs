using CstPortal.Data;
using CstPortal.Features.Requests;
using CstPortal.Features.Workflow;
using Microsoft.EntityFrameworkCore;

namespace CstPortal.Features.Sla;

/// <summary>
/// When the SLA sweep next has something to do for a request: the earliest instant at which a level (the breach
/// itself, or an active escalation rule) of one of its open targets comes due and has not fired yet; null when
/// nothing is left. Stored on the request (<see cref="ServiceRequest.NextEscalationAt"/>, indexed) so one sweep pass
/// reads only the requests whose moment has come, not every open request.
/// <para>It is a function of the request's status, creation and due times, the active rules and what fired. Everything
/// that changes one of those refreshes it in the same unit of work: submission, every workflow transition (triage
/// recomputes due times; assign, unassign, resolve, reopen, close and merges change which targets are open), the sweep
/// itself after firing. Policy and calendar edits do not: due times are committed when set (SlaAdminService).
/// Escalation rule edits touch every open request at once, so they mark them <see cref="LookNow"/> and the next sweep
/// reschedules them in bulk; the migration that added the column does the same for the open requests it found.</para>
/// <para>An instant only tells the sweep when to look; the sweep decides from what fired (<see cref="SlaSweep.DueLevels(DateTime, DateTime, IEnumerable{EscalationRule}, DateTime)"/>).
/// A value that is too early costs one look; a value too late would delay an escalation, so when in doubt write earlier.</para>
/// </summary>
public static class EscalationSchedule
{
    /// <summary>"Look at this request at the next sweep": earlier than any real instant. Written by rule edits and the migration backfill.</summary>
    public static readonly DateTime LookNow = new(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private static readonly RequestStatus[] ResponseOpen = [RequestStatus.New, RequestStatus.Triaged];

    /// <summary>The targets still running for a request in this status: response until assigned, resolution until resolved.</summary>
    public static IEnumerable<(SlaTarget Target, DateTime Due)> OpenTargets(RequestStatus status, DateTime? responseDueAt, DateTime? resolutionDueAt)
    {
        if (ResponseOpen.Contains(status) && responseDueAt is { } r) yield return (SlaTarget.Response, r);
        if (status.IsOpen() && resolutionDueAt is { } s) yield return (SlaTarget.Resolution, s);
    }

    /// <summary>
    /// When one level of a target comes due (<paramref name="rule"/> null = the breach itself). Strict levels fire only
    /// once the instant has passed (the breach: after the due time), the others at the instant. Pure.
    /// </summary>
    public static (DateTime At, bool Strict) LevelAt(DateTime createdAt, DateTime dueAt, EscalationRule? rule)
    {
        if (rule is null) return (dueAt, true);
        var start = rule.Trigger == EscalationTrigger.AtRisk ? SlaClock.AtRiskAt(createdAt, dueAt) : dueAt;
        return (start.AddHours(rule.HoursAfterTrigger), rule.Trigger == EscalationTrigger.Breached && rule.HoursAfterTrigger <= 0);
    }

    /// <summary>The earliest level of an open target that has not fired; null when every one has (or no target is open). Pure.</summary>
    public static DateTime? NextAt(RequestStatus status, DateTime createdAt, DateTime? responseDueAt, DateTime? resolutionDueAt,
        IReadOnlyCollection<EscalationRule> activeRules, IReadOnlySet<(SlaTarget Target, int Level)> fired)
    {
        DateTime? next = null;
        foreach (var (target, due) in OpenTargets(status, responseDueAt, resolutionDueAt))
        {
            if (!fired.Contains((target, SlaEscalation.BreachLevel))) next = Min(next, due);
            foreach (var rule in activeRules)
                if (!fired.Contains((target, rule.Level))) next = Min(next, LevelAt(createdAt, due, rule).At);
        }
        return next;
    }

    public static DateTime? NextAt(ServiceRequest request, IReadOnlyCollection<EscalationRule> activeRules, IReadOnlySet<(SlaTarget Target, int Level)> fired) =>
        NextAt(request.Status, request.CreatedAt, request.ResponseDueAt, request.ResolutionDueAt, activeRules, fired);

    private static DateTime? Min(DateTime? a, DateTime b) => a is { } x && x <= b ? x : b;

    /// <summary>The active rules, as the sweep and the schedule use them (level order).</summary>
    public static Task<List<EscalationRule>> ActiveRulesAsync(CstDbContext db, CancellationToken ct) =>
        db.EscalationRules.AsNoTracking().Where(r => r.IsActive).OrderBy(r => r.Level).ToListAsync(ct);

    /// <summary>
    /// Recomputes a request's next escalation inside the caller's unit of work (after it changed status or due
    /// times), from the active rules and the levels recorded for it (saved ones: the sweep, which adds levels,
    /// schedules from its own set). <paramref name="rules"/> may be passed when the caller has them (a batch).
    /// </summary>
    public static async Task RefreshAsync(CstDbContext db, ServiceRequest request, CancellationToken ct, IReadOnlyCollection<EscalationRule>? rules = null)
    {
        if (!request.Status.IsOpen())
        {
            request.ScheduleNextEscalation(null);
            return;
        }
        rules ??= await ActiveRulesAsync(db, ct);
        var fired = new HashSet<(SlaTarget Target, int Level)>();
        if (request.Id != 0)
            fired.UnionWith((await db.SlaEscalations.AsNoTracking().Where(e => e.ServiceRequestId == request.Id)
                .Select(e => new { e.Target, e.Level }).ToListAsync(ct)).Select(e => (e.Target, e.Level)));
        request.ScheduleNextEscalation(NextAt(request, rules, fired));
    }
}
