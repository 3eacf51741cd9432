using System.Globalization;
using CstPortal.Common;
using CstPortal.Data;
using CstPortal.Features.Assignment;
using CstPortal.Features.Audit;
using CstPortal.Features.Notifications;
using CstPortal.Features.Requests;
using CstPortal.Features.Workflow;
using Microsoft.EntityFrameworkCore;

namespace CstPortal.Features.Sla;

/// <summary>What one sweep did.</summary>
public sealed record SweepResult(int RequestsChecked, int LevelsFired);

/// <summary>
/// Breach detection and escalation. Finds open requests whose response or resolution target is at risk or
/// breached (an indexed range query on (Status, due time): closed requests are never read), and fires each
/// escalation level that is due and has not fired yet. Each request is its own unit of work in a write
/// transaction that re-reads what fired, and a unique index on (request, target, level) backs it up, so a
/// level fires exactly once however often, concurrently or late the sweep runs; after downtime the first
/// sweep fires every missed level once, in level order.
/// </summary>
public sealed class SlaSweep(IDbContextFactory<CstDbContext> dbFactory, TimeProvider clock, RequestEvents events, NotificationEvents notifications, ILogger<SlaSweep> log)
{
    private static readonly Actor System = Actor.System("sla");
    private static readonly RequestStatus[] ResponseOpen = [RequestStatus.New, RequestStatus.Triaged];

    private sealed record Candidate(int RequestId, SlaTarget Target, DateTime CreatedAt, DateTime DueAt);

    public async Task<SweepResult> RunAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        List<Candidate> candidates;
        List<EscalationRule> rules;
        HashSet<(int, SlaTarget, int)> fired;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            rules = await db.EscalationRules.AsNoTracking().Where(r => r.IsActive).OrderBy(r => r.Level).ToListAsync(ct);
            var horizon = now + await AtRiskWindowAsync(db, ct);
            var open = RequestStatusExtensions.OpenStatuses;
            // A target whose every level has fired has nothing left to do: only the others are candidates, so a long
            // backlog that escalated long ago costs an index probe per request, not a load.
            var activeLevels = rules.Select(r => r.Level).Append(SlaEscalation.BreachLevel).Distinct().ToList();
            var levels = activeLevels.Count;
            var response = await db.Requests.AsNoTracking()
                .Where(r => ResponseOpen.Contains(r.Status) && r.ResponseDueAt != null && r.ResponseDueAt <= horizon)
                .Where(r => db.SlaEscalations.Count(e => e.ServiceRequestId == r.Id && e.Target == SlaTarget.Response && activeLevels.Contains(e.Level)) < levels)
                .Select(r => new { r.Id, r.CreatedAt, Due = r.ResponseDueAt!.Value }).ToListAsync(ct);
            var resolution = await db.Requests.AsNoTracking()
                .Where(r => open.Contains(r.Status) && r.ResolutionDueAt != null && r.ResolutionDueAt <= horizon)
                .Where(r => db.SlaEscalations.Count(e => e.ServiceRequestId == r.Id && e.Target == SlaTarget.Resolution && activeLevels.Contains(e.Level)) < levels)
                .Select(r => new { r.Id, r.CreatedAt, Due = r.ResolutionDueAt!.Value }).ToListAsync(ct);
            candidates = [.. response.Select(r => new Candidate(r.Id, SlaTarget.Response, r.CreatedAt, r.Due)),
                .. resolution.Select(r => new Candidate(r.Id, SlaTarget.Resolution, r.CreatedAt, r.Due))];
            var ids = candidates.Select(c => c.RequestId).Distinct().ToList();
            fired = (await db.SlaEscalations.AsNoTracking().Where(e => ids.Contains(e.ServiceRequestId))
                    .Select(e => new { e.ServiceRequestId, e.Target, e.Level }).ToListAsync(ct))
                .Select(e => (e.ServiceRequestId, e.Target, e.Level)).ToHashSet();
        }

        var firedNow = 0;
        foreach (var group in candidates.GroupBy(c => c.RequestId))
        {
            var due = group.SelectMany(c => DueLevels(c, rules, now).Select(l => (c.Target, Level: l)))
                .Where(x => !fired.Contains((group.Key, x.Target, x.Level))).ToList();
            if (due.Count == 0) continue;
            try
            {
                firedNow += await FireAsync(group.Key, rules, now, ct);
            }
            catch (DbUpdateException ex)
            {
                // Another sweep recorded the same level first: the unique index refused ours, nothing was saved.
                log.LogInformation(ex, "An SLA level for request {Id} was recorded by another sweep", group.Key);
            }
        }
        return new SweepResult(candidates.Count, firedNow);
    }

    /// <summary>Levels (0 = the breach itself) whose time has come for one target. Pure.</summary>
    public static IEnumerable<int> DueLevels(DateTime createdAt, DateTime dueAt, IEnumerable<EscalationRule> rules, DateTime now)
    {
        if (now > dueAt) yield return SlaEscalation.BreachLevel;
        var atRisk = SlaClock.AtRiskAt(createdAt, dueAt);
        foreach (var rule in rules.OrderBy(r => r.Level))
        {
            var start = rule.Trigger == EscalationTrigger.AtRisk ? atRisk : dueAt;
            var at = start.AddHours(rule.HoursAfterTrigger);
            if (rule.Trigger == EscalationTrigger.Breached ? now > at || (rule.HoursAfterTrigger > 0 && now >= at) : now >= at)
                yield return rule.Level;
        }
    }

    private static IEnumerable<int> DueLevels(Candidate c, List<EscalationRule> rules, DateTime now) => DueLevels(c.CreatedAt, c.DueAt, rules, now);

    /// <summary>
    /// For the demo-city generator: the escalation rows the sweep would have recorded by <paramref name="now"/> for an
    /// open request, each at the moment its level came due, so a generated backlog starts with its escalations in the
    /// past (as if the sweep had run all along) instead of firing them all at the first sweep. Pure.
    /// </summary>
    public static IEnumerable<SlaEscalation> PastEscalations(ServiceRequest request, IReadOnlyList<EscalationRule> rules, DateTime now)
    {
        var targets = new List<(SlaTarget Target, DateTime Due)>();
        if (ResponseOpen.Contains(request.Status) && request.ResponseDueAt is { } r) targets.Add((SlaTarget.Response, r));
        if (request.Status.IsOpen() && request.ResolutionDueAt is { } s) targets.Add((SlaTarget.Resolution, s));
        foreach (var (target, dueAt) in targets)
        {
            var atRisk = SlaClock.AtRiskAt(request.CreatedAt, dueAt);
            foreach (var level in DueLevels(request.CreatedAt, dueAt, rules, now))
            {
                var rule = rules.FirstOrDefault(x => x.Level == level);
                var at = rule is null ? dueAt : (rule.Trigger == EscalationTrigger.AtRisk ? atRisk : dueAt).AddHours(rule.HoursAfterTrigger);
                yield return new SlaEscalation
                {
                    ServiceRequestId = request.Id, Target = target, Level = level, FiredAt = at < request.CreatedAt ? request.CreatedAt : at,
                    InSupervisorQueue = rule?.MoveToSupervisorQueue == true,
                };
            }
        }
    }

    /// <summary>
    /// The at-risk point lies 20% of a target's length before its due time; the longest target bounds how far
    /// ahead the sweep must look. Working-hour targets stretch over nights and weekends, so they count ×5.
    /// </summary>
    private static async Task<TimeSpan> AtRiskWindowAsync(CstDbContext db, CancellationToken ct)
    {
        var longest = await db.SlaPolicies.AsNoTracking()
            .Select(p => (p.ResolutionHours > p.ResponseHours ? p.ResolutionHours : p.ResponseHours) * (p.UseWorkingHours ? 5 : 1))
            .OrderByDescending(h => h).FirstOrDefaultAsync(ct);
        return TimeSpan.FromHours(Math.Max(longest, 24) * (1 - SlaClock.AtRiskShare));
    }

    /// <summary>One request's unit of work: re-read it and what fired inside a write transaction, fire what is due.</summary>
    private async Task<int> FireAsync(int requestId, List<EscalationRule> rules, DateTime now, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var request = await db.Requests.SingleAsync(r => r.Id == requestId, ct);
        var already = (await db.SlaEscalations.Where(e => e.ServiceRequestId == requestId).Select(e => new { e.Target, e.Level }).ToListAsync(ct))
            .Select(e => (e.Target, e.Level)).ToHashSet();

        var targets = new List<(SlaTarget Target, DateTime Due)>();
        if (ResponseOpen.Contains(request.Status) && request.ResponseDueAt is { } r) targets.Add((SlaTarget.Response, r));
        if (request.Status.IsOpen() && request.ResolutionDueAt is { } s) targets.Add((SlaTarget.Resolution, s));

        var recipients = new Recipients(db, request);
        var count = 0;
        var priorityBefore = request.Priority;
        foreach (var (target, dueAt) in targets)
        {
            foreach (var level in DueLevels(request.CreatedAt, dueAt, rules, now))
            {
                if (!already.Add((target, level))) continue;
                var rule = rules.SingleOrDefault(x => x.Level == level);
                var row = new SlaEscalation { ServiceRequestId = requestId, Target = target, Level = level, FiredAt = now, InSupervisorQueue = rule?.MoveToSupervisorQueue == true };
                db.SlaEscalations.Add(row);
                await PerformanceLog.AppendAsync(db, request, rule is null ? PerformanceEvent.Breached : PerformanceEvent.Escalated, target, level, dueAt, now, now, ct);
                var targetName = target == SlaTarget.Response ? "response" : "resolution";
                if (rule is null)
                {
                    await AuditLog.AppendAsync(db, System.Info, "sla.breached", "ServiceRequest", request.Number, new { target = targetName, dueAt }, now, ct);
                }
                else
                {
                    if (rule.RaisePriority) request.RaisePriority(System.Info, now, $"SLA escalation level {level}: {targetName} target");
                    var kind = rule.Trigger == EscalationTrigger.AtRisk ? NotificationTexts.SlaAtRisk : NotificationTexts.SlaBreached;
                    IReadOnlyDictionary<string, string> Values() => new Dictionary<string, string>
                    {
                        ["number"] = request.Number, ["priority"] = request.Priority.ToString(), ["rule"] = rule.Name,
                        ["target"] = Texts.Get(target == SlaTarget.Response ? "response target" : "resolution target"),
                        ["due"] = dueAt.ToString("g", CultureInfo.CurrentCulture) + " UTC",
                        ["ago"] = rule.HoursAfterTrigger > 0 ? Texts.Get("{0} h ago", rule.HoursAfterTrigger.ToString("0.#", CultureInfo.CurrentCulture)) : "",
                        ["queue"] = rule.MoveToSupervisorQueue ? Texts.Get("It is now in the supervisors' escalated queue.") : "",
                    };
                    var users = new HashSet<string>();
                    if (rule.NotifyAssignedAgent && await recipients.AgentAsync(ct) is { } agent) users.Add(agent);
                    if (rule.NotifySupervisor || rule.MoveToSupervisorQueue) users.UnionWith(await recipients.SupervisorsAsync(ct));
                    if (rule.NotifyManagers) users.UnionWith(await recipients.InRoleAsync(Roles.Manager, ct));
                    foreach (var user in users)
                    {
                        var key = $"sla:{requestId}:{target}:{level}:{user}";
                        await Outbox.EnqueueAsync(db, now, NotificationChannel.InApp, kind, Values, recipientUserId: user, requestNumber: request.Number, deduplicationKey: key + ":app", ct: ct);
                        await Outbox.EnqueueAsync(db, now, NotificationChannel.Email, kind, Values, recipientUserId: user, requestNumber: request.Number, deduplicationKey: key + ":mail", ct: ct);
                    }
                    await AuditLog.AppendAsync(db, System.Info, "sla.escalated", "ServiceRequest", request.Number,
                        new { target = targetName, level, rule = rule.Name, notified = users.Count, rule.RaisePriority, rule.MoveToSupervisorQueue }, now, ct);
                }
                count++;
            }
        }
        if (count == 0) return 0;
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        events.Publish(new RequestChanged(request.Number, request.Status.Code()));
        if (request.Priority != priorityBefore) log.LogInformation("Raised {Number} to {Priority}", request.Number, request.Priority);
        notifications.Publish();
        return count;
    }

    /// <summary>Who to tell about one request, read inside the sweep's unit of work.</summary>
    private sealed class Recipients(CstDbContext db, ServiceRequest request)
    {
        public async Task<string?> AgentAsync(CancellationToken ct) => request.AssignedAgentId is { } id
            ? await db.Agents.Where(a => a.Id == id).Select(a => a.UserId).SingleOrDefaultAsync(ct) : null;

        /// <summary>The supervisor of the assigned team (or of the category's default team), else every supervisor.</summary>
        public async Task<IReadOnlyList<string>> SupervisorsAsync(CancellationToken ct)
        {
            var teamId = request.AssignedTeamId ?? await db.Categories.Where(c => c.Id == request.CategoryId).Select(c => c.DefaultTeamId).SingleOrDefaultAsync(ct);
            var supervisor = teamId is null ? null : await db.Set<Team>().Where(t => t.Id == teamId).Select(t => t.SupervisorUserId).SingleOrDefaultAsync(ct);
            return supervisor is not null ? [supervisor] : await InRoleAsync(Roles.Supervisor, ct);
        }

        public async Task<IReadOnlyList<string>> InRoleAsync(string role, CancellationToken ct) =>
            await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id where r.Name == role select ur.UserId).ToListAsync(ct);
    }
}
