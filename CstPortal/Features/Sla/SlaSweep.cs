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
/// Breach detection and escalation. Reads only the open requests whose stored next escalation
/// (<see cref="ServiceRequest.NextEscalationAt"/>, kept by <see cref="EscalationSchedule"/>) has come: an index range,
/// so a pass costs what is due, not the size of the backlog. For each, fires every level that is due and has not fired
/// yet. Each request is its own unit of work in a write transaction that re-reads what fired, and a unique index on
/// (request, target, level) backs it up, so a level fires exactly once however often, concurrently or late the sweep
/// runs; after downtime the first sweep fires every missed level once, in level order. A request with nothing due
/// (marked <see cref="EscalationSchedule.LookNow"/>, or looked at the very instant of a strict level) only gets its
/// next instant rewritten, in bulk.
/// </summary>
public sealed class SlaSweep(IDbContextFactory<CstDbContext> dbFactory, TimeProvider clock, RequestEvents events, NotificationEvents notifications, ILogger<SlaSweep> log)
{
    private static readonly Actor System = Actor.System("sla");

    private sealed record Candidate(int RequestId, long Version, RequestStatus Status, DateTime CreatedAt, DateTime? ResponseDueAt, DateTime? ResolutionDueAt, DateTime NextAt);

    /// <summary>Rows rewritten per transaction when only the next instant changes.</summary>
    private const int RescheduleBatch = 2000;

    public async Task<SweepResult> RunAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        List<Candidate> candidates;
        List<EscalationRule> rules;
        ILookup<int, (SlaTarget Target, int Level)> fired;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            rules = await EscalationSchedule.ActiveRulesAsync(db, ct);
            // Only the NextEscalationAt index: no status filter here (SQLite's planner would take a status index and read
            // every open request). A request that is not open has null; one that still had a value would be read once,
            // found to have no open target and rescheduled to null below.
            candidates = await db.Requests.AsNoTracking()
                .Where(r => r.NextEscalationAt != null && r.NextEscalationAt <= now)
                .OrderBy(r => r.NextEscalationAt)
                .Select(r => new Candidate(r.Id, r.Version, r.Status, r.CreatedAt, r.ResponseDueAt, r.ResolutionDueAt, r.NextEscalationAt!.Value))
                .ToListAsync(ct);
            var rows = new List<(int, SlaTarget, int)>();
            foreach (var chunk in candidates.Select(c => c.RequestId).Chunk(10_000))
                rows.AddRange((await db.SlaEscalations.AsNoTracking().Where(e => chunk.Contains(e.ServiceRequestId))
                    .Select(e => new { e.ServiceRequestId, e.Target, e.Level }).ToListAsync(ct)).Select(e => (e.ServiceRequestId, e.Target, e.Level)));
            fired = rows.ToLookup(e => e.Item1, e => (e.Item2, e.Item3));
        }

        var firedNow = 0;
        var reschedule = new List<(Candidate Request, DateTime? Next)>();
        foreach (var c in candidates)
        {
            var done = fired[c.RequestId].ToHashSet();
            var due = EscalationSchedule.OpenTargets(c.Status, c.ResponseDueAt, c.ResolutionDueAt)
                .Any(t => DueLevels(c.CreatedAt, t.Due, rules, now).Any(level => !done.Contains((t.Target, level))));
            if (!due)
            {
                var next = EscalationSchedule.NextAt(c.Status, c.CreatedAt, c.ResponseDueAt, c.ResolutionDueAt, rules, done);
                if (next != c.NextAt) reschedule.Add((c, next));
                continue;
            }
            try
            {
                firedNow += await FireAsync(c.RequestId, rules, now, ct);
            }
            catch (DbUpdateException ex)
            {
                // Another sweep recorded the same level first: the unique index refused ours, nothing was saved.
                log.LogInformation(ex, "An SLA level for request {Id} was recorded by another sweep", c.RequestId);
            }
        }
        await RescheduleAsync(reschedule, ct);
        return new SweepResult(candidates.Count, firedNow);
    }

    /// <summary>
    /// Writes the next instant of requests with nothing due now, in batches. Only where the row is as it was read
    /// (same version and instant): a request a person or another sweep changed meanwhile keeps what they wrote.
    /// </summary>
    private async Task RescheduleAsync(List<(Candidate Request, DateTime? Next)> reschedule, CancellationToken ct)
    {
        foreach (var batch in reschedule.Chunk(RescheduleBatch))
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            // One short statement per row (plain SQL that both providers run; EF's ExecuteUpdate costs ~10 times more per call).
            foreach (var (c, next) in batch)
                await db.Database.ExecuteSqlAsync($"""
                    UPDATE "ServiceRequests" SET "NextEscalationAt" = {next}
                    WHERE "Id" = {c.RequestId} AND "Version" = {c.Version} AND "NextEscalationAt" = {c.NextAt}
                    """, ct);
            await tx.CommitAsync(ct);
        }
    }

    /// <summary>Levels (0 = the breach itself) whose time has come for one target. Pure.</summary>
    public static IEnumerable<int> DueLevels(DateTime createdAt, DateTime dueAt, IEnumerable<EscalationRule> rules, DateTime now)
    {
        if (IsDue(EscalationSchedule.LevelAt(createdAt, dueAt, null), now)) yield return SlaEscalation.BreachLevel;
        foreach (var rule in rules.OrderBy(r => r.Level))
            if (IsDue(EscalationSchedule.LevelAt(createdAt, dueAt, rule), now))
                yield return rule.Level;
    }

    private static bool IsDue((DateTime At, bool Strict) level, DateTime now) => level.Strict ? now > level.At : now >= level.At;

    /// <summary>
    /// For the demo-city generator: the escalation rows the sweep would have recorded by <paramref name="now"/> for an
    /// open request, each at the moment its level came due, so a generated backlog starts with its escalations in the
    /// past (as if the sweep had run all along) instead of firing them all at the first sweep; the request's next
    /// escalation is scheduled after them. Pure (changes only the request it is given).
    /// </summary>
    public static List<SlaEscalation> SettleHistory(ServiceRequest request, IReadOnlyList<EscalationRule> rules, DateTime now)
    {
        var rows = PastEscalations(request, rules, now).ToList();
        request.ScheduleNextEscalation(EscalationSchedule.NextAt(request, rules, rows.Select(e => (e.Target, e.Level)).ToHashSet()));
        return rows;
    }

    private static IEnumerable<SlaEscalation> PastEscalations(ServiceRequest request, IReadOnlyList<EscalationRule> rules, DateTime now)
    {
        foreach (var (target, dueAt) in EscalationSchedule.OpenTargets(request.Status, request.ResponseDueAt, request.ResolutionDueAt))
        {
            foreach (var level in DueLevels(request.CreatedAt, dueAt, rules, now))
            {
                var rule = rules.FirstOrDefault(x => x.Level == level);
                var at = EscalationSchedule.LevelAt(request.CreatedAt, dueAt, rule).At;
                yield return new SlaEscalation
                {
                    ServiceRequestId = request.Id, Target = target, Level = level, FiredAt = at < request.CreatedAt ? request.CreatedAt : at,
                    InSupervisorQueue = rule?.MoveToSupervisorQueue == true,
                };
            }
        }
    }

    /// <summary>One request's unit of work: re-read it and what fired inside a write transaction, fire what is due.</summary>
    private async Task<int> FireAsync(int requestId, List<EscalationRule> rules, DateTime now, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await RowLocks.LockRequestAsync(db, requestId, ct); // a workflow change waits, so the next instant below is computed from what is saved
        var request = await db.Requests.SingleAsync(r => r.Id == requestId, ct);
        var already = (await db.SlaEscalations.Where(e => e.ServiceRequestId == requestId).Select(e => new { e.Target, e.Level }).ToListAsync(ct))
            .Select(e => (e.Target, e.Level)).ToHashSet();
        var targets = EscalationSchedule.OpenTargets(request.Status, request.ResponseDueAt, request.ResolutionDueAt).ToList();

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
        var scheduled = request.NextEscalationAt;
        request.ScheduleNextEscalation(EscalationSchedule.NextAt(request, rules, already));
        if (count == 0 && request.NextEscalationAt == scheduled) return 0;
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        if (count == 0) return 0;
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
