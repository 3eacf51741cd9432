using CstPortal.Common;
using CstPortal.Data;
using CstPortal.Features.Notifications;
using CstPortal.Features.Requests;
using CstPortal.Features.Sla;
using CstPortal.Features.Workflow;
using CstPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CstPortal.Tests.Features.Sla;

/// <summary>
/// Breach detection and escalation on a real SQLite city. A reported pothole is P2: respond within 4 h,
/// resolve within 36 h (calendar hours), so at risk after 3.2 h and breached after 4 h.
/// </summary>
public class SlaSweepTests : IAsyncLifetime
{
    private TestCity _city = default!;
    private Actor _citizen = default!, _dispatcher = default!, _supervisor = default!, _manager = default!;

    public async Task InitializeAsync()
    {
        _city = await TestCity.CreateAsync(this);
        _citizen = await _city.ActorAsync(Roles.Citizen);
        _dispatcher = await _city.ActorAsync(Roles.Dispatcher);
        _supervisor = await _city.ActorAsync(Roles.Supervisor);
        _manager = await _city.ActorAsync(Roles.Manager);
        await Sweep(); // the demo history's own due levels, so each test sees only what it causes
    }

    public async Task DisposeAsync() => await _city.DisposeAsync();

    private Task<SweepResult> Sweep() => _city.Get<SlaSweep>().RunAsync();

    private async Task<List<(SlaTarget Target, int Level)>> FiredAsync(string number)
    {
        await using var db = _city.Db();
        var id = await db.Requests.Where(r => r.Number == number).Select(r => r.Id).SingleAsync();
        return (await db.SlaEscalations.Where(e => e.ServiceRequestId == id).Select(e => new { e.Target, e.Level }).ToListAsync())
            .Select(e => (e.Target, e.Level)).OrderBy(e => e.Target).ThenBy(e => e.Level).ToList();
    }

    private async Task<int> InAppCountAsync(string number, string userId)
    {
        await using var db = _city.Db();
        return await db.Outbox.CountAsync(m => m.RequestNumber == number && m.RecipientUserId == userId && m.Channel == NotificationChannel.InApp);
    }

    [Fact]
    public async Task A_request_becomes_at_risk_then_breached_and_each_level_fires_once()
    {
        var number = (await _city.ReportPotholeAsync(_citizen)).Number;
        Assert.Empty(await FiredAsync(number));

        _city.Clock.Advance(TimeSpan.FromHours(3.25));
        await Sweep();
        await Sweep();
        Assert.Equal([(SlaTarget.Response, 1)], await FiredAsync(number));

        _city.Clock.Advance(TimeSpan.FromHours(1));
        await Sweep();
        await Sweep();
        Assert.Equal([(SlaTarget.Response, 0), (SlaTarget.Response, 1), (SlaTarget.Response, 2)], await FiredAsync(number));
        var request = await _city.LoadAsync(number);
        Assert.Equal(Priority.P1, request.Priority); // raised one step from P2, once
        Assert.Equal(1, await InAppCountAsync(number, _supervisor.UserId!));
        Assert.Contains(request.History, h => h.Action == "Escalate" && h.ActorName == "System (sla)");

        _city.Clock.Advance(TimeSpan.FromHours(24));
        await Sweep();
        var fired = await FiredAsync(number);
        Assert.Contains((SlaTarget.Response, 3), fired);
        Assert.Equal(fired.Count, fired.Distinct().Count());
        Assert.Equal(1, await InAppCountAsync(number, _manager.UserId!));
        Assert.Contains(await _city.Get<PerformanceService>().EscalatedQueueAsync(), q => q.Number == number);

        await using var db = _city.Db();
        Assert.Equal(1, await db.PerformanceEntries.CountAsync(e => e.RequestNumber == number && e.Event == PerformanceEvent.Breached && e.Target == SlaTarget.Response));
        Assert.Equal(1, await db.AuditEntries.CountAsync(e => e.EntityId == number && e.Action == "sla.breached"));
        Assert.Null(await PerformanceLog.FirstBrokenAsync(db));
    }

    [Fact]
    public async Task A_target_whose_every_level_has_fired_is_no_longer_a_candidate()
    {
        var number = (await _city.ReportPotholeAsync(_citizen)).Number;
        _city.Clock.Advance(TimeSpan.FromDays(60));
        await Sweep();
        var before = await Sweep();

        var fired = await FiredAsync(number);
        Assert.Contains((SlaTarget.Response, 3), fired);
        Assert.Contains((SlaTarget.Resolution, 3), fired);
        // Every level of both targets is recorded: a later pass neither reads nor fires anything for this request.
        await using var db = _city.Db();
        var open = await db.Requests.CountAsync(r => r.Status == RequestStatus.New || r.Status == RequestStatus.Triaged || r.Status == RequestStatus.Assigned || r.Status == RequestStatus.InProgress);
        _city.Clock.Advance(TimeSpan.FromMinutes(5));
        var after = await Sweep();
        Assert.Equal(0, after.LevelsFired);
        Assert.True(after.RequestsChecked < 2 * open, $"{after.RequestsChecked} candidates for {open} open requests");
        Assert.Equal(fired, await FiredAsync(number));
        Assert.Equal(0, before.LevelsFired);
    }

    [Fact]
    public async Task Concurrent_sweeps_fire_every_level_exactly_once()
    {
        var numbers = new List<string>();
        for (var i = 0; i < 3; i++) numbers.Add((await _city.ReportPotholeAsync(_citizen, $"Pothole number {i}")).Number);
        _city.Clock.Advance(TimeSpan.FromHours(30)); // response breached 26 h ago: levels 0–3 all due at once
        int before;
        await using (var db0 = _city.Db()) before = await db0.SlaEscalations.CountAsync();

        var sweeps = Enumerable.Range(0, 6).Select(_ => Task.Run(() => _city.Get<SlaSweep>().RunAsync())).ToArray();
        var results = await Task.WhenAll(sweeps);

        foreach (var number in numbers)
        {
            var fired = await FiredAsync(number);
            Assert.Equal([(SlaTarget.Response, 0), (SlaTarget.Response, 1), (SlaTarget.Response, 2), (SlaTarget.Response, 3),
                (SlaTarget.Resolution, 1)], fired);
            Assert.Equal(Priority.P1, (await _city.LoadAsync(number)).Priority);
            Assert.Equal(1, await InAppCountAsync(number, _manager.UserId!));
        }
        await using var db = _city.Db();
        // Whatever the six sweeps reported firing is exactly what was recorded: no level counted twice.
        Assert.Equal(await db.SlaEscalations.CountAsync() - before, results.Sum(r => r.LevelsFired));
        Assert.Null(await PerformanceLog.FirstBrokenAsync(db));
        var ids = await db.Requests.Where(r => numbers.Contains(r.Number)).Select(r => r.Id).ToListAsync();
        Assert.Equal(15, await db.PerformanceEntries.CountAsync(e => ids.Contains(e.ServiceRequestId)));
    }

    [Fact]
    public async Task After_a_restart_nothing_fires_again_and_downtime_is_caught_up_once()
    {
        var number = (await _city.ReportPotholeAsync(_citizen)).Number;
        _city.Clock.Advance(TimeSpan.FromHours(3.5));
        await Sweep();
        Assert.Equal([(SlaTarget.Response, 1)], await FiredAsync(number));

        // The app stops for two days; a new app (a new service provider) starts on the same database file.
        _city.Clock.Advance(TimeSpan.FromDays(2));
        await using (var restarted = _city.NewServices())
        {
            var first = await restarted.GetRequiredService<SlaSweep>().RunAsync();
            Assert.True(first.LevelsFired >= 5);
            Assert.Equal(0, (await restarted.GetRequiredService<SlaSweep>().RunAsync()).LevelsFired);
        }
        await using (var again = _city.NewServices())
            Assert.Equal(0, (await again.GetRequiredService<SlaSweep>().RunAsync()).LevelsFired);

        Assert.Equal([(SlaTarget.Response, 0), (SlaTarget.Response, 1), (SlaTarget.Response, 2), (SlaTarget.Response, 3),
            (SlaTarget.Resolution, 0), (SlaTarget.Resolution, 1), (SlaTarget.Resolution, 2)], await FiredAsync(number));
        var request = await _city.LoadAsync(number);
        Assert.Equal(Priority.P1, request.Priority);
    }

    [Fact]
    public async Task Closed_requests_are_never_escalated_and_a_met_target_is_logged()
    {
        var number = (await _city.ReportPotholeAsync(_citizen)).Number;
        var agentId = await _city.DemoAgentIdAsync();
        _city.Clock.Advance(TimeSpan.FromHours(1));
        Assert.True((await _city.ActAsync(number, new TransitionInput(WorkflowAction.Triage), _dispatcher)).Succeeded);
        Assert.True((await _city.ActAsync(number, new TransitionInput(WorkflowAction.Assign) { AgentId = agentId }, _dispatcher)).Succeeded);
        Assert.True((await _city.ActAsync(number, new TransitionInput(WorkflowAction.CloseWithReason) { CloseReason = CloseReason.Invalid, Reason = "Already fixed" }, _supervisor)).Succeeded);

        _city.Clock.Advance(TimeSpan.FromDays(5));
        await Sweep();
        Assert.Empty(await FiredAsync(number));

        await using var db = _city.Db();
        var met = await db.PerformanceEntries.SingleAsync(e => e.RequestNumber == number);
        Assert.Equal((PerformanceEvent.Met, SlaTarget.Response, agentId), (met.Event, met.Target, met.AgentId));
        Assert.Equal(TestCity.Now.UtcDateTime.AddHours(1), met.ActualAt);
    }

    [Fact]
    public async Task The_performance_log_refuses_updates_and_deletes()
    {
        var number = (await _city.ReportPotholeAsync(_citizen)).Number;
        _city.Clock.Advance(TimeSpan.FromHours(5));
        await Sweep();
        await using var db = _city.Db();
        var ex1 = await Assert.ThrowsAnyAsync<Exception>(() => db.Database.ExecuteSqlRawAsync("""UPDATE "PerformanceEntries" SET "AgentId" = 1"""));
        Assert.Contains("append-only", ex1.Message);
        var ex2 = await Assert.ThrowsAnyAsync<Exception>(() => db.Database.ExecuteSqlRawAsync("""DELETE FROM "PerformanceEntries" """));
        Assert.Contains("append-only", ex2.Message);
        Assert.True(await db.PerformanceEntries.AnyAsync(e => e.RequestNumber == number));
    }

    [Fact]
    public async Task Triage_recomputes_due_times_with_the_working_calendar_for_working_hour_policies()
    {
        var number = (await _city.ReportPotholeAsync(_citizen)).Number; // Monday 2 Nov 2026 09:30 UTC = 04:30 New York
        Assert.True((await _city.ActAsync(number, new TransitionInput(WorkflowAction.Triage) { Priority = Priority.P4 }, _dispatcher)).Succeeded);
        var request = await _city.LoadAsync(number);
        // Pothole P4: respond within 8 working hours: Monday 08:00 EST + 8 h = 16:00 EST = 21:00 UTC.
        Assert.Equal(new DateTime(2026, 11, 2, 21, 0, 0, DateTimeKind.Utc), request.ResponseDueAt);
        // Resolve within 72 working hours = 8 office days: 2–6 Nov, 9–10 Nov, Veterans Day (11 Nov) skipped, 12 Nov 17:00 EST.
        Assert.Equal(new DateTime(2026, 11, 12, 22, 0, 0, DateTimeKind.Utc), request.ResolutionDueAt);
    }

    [Fact]
    public async Task The_reporter_is_emailed_each_status_change_in_the_same_transaction()
    {
        var number = (await _city.ReportPotholeAsync(_citizen)).Number;
        Assert.True((await _city.ActAsync(number, new TransitionInput(WorkflowAction.Triage), _dispatcher)).Succeeded);
        await using var db = _city.Db();
        var mail = await db.Outbox.SingleAsync(m => m.RequestNumber == number && m.Channel == NotificationChannel.Email);
        Assert.Equal("citizen@riverton.example", mail.RecipientEmail);
        Assert.Contains("triaged", mail.Subject);
    }

    /// <summary>Every request's stored next escalation against what the schedule computes from its status, due times and recorded levels.</summary>
    private async Task AssertEveryScheduleIsRightAsync()
    {
        await using var db = _city.Db();
        var rules = await EscalationSchedule.ActiveRulesAsync(db, default);
        var requests = await db.Requests.AsNoTracking()
            .Select(r => new { r.Id, r.Number, r.Status, r.CreatedAt, r.ResponseDueAt, r.ResolutionDueAt, r.NextEscalationAt }).ToListAsync();
        var fired = (await db.SlaEscalations.AsNoTracking().Select(e => new { e.ServiceRequestId, e.Target, e.Level }).ToListAsync())
            .ToLookup(e => e.ServiceRequestId, e => (e.Target, e.Level));
        Assert.Contains(requests, r => r.NextEscalationAt is not null);
        foreach (var r in requests)
        {
            var expected = EscalationSchedule.NextAt(r.Status, r.CreatedAt, r.ResponseDueAt, r.ResolutionDueAt, rules, fired[r.Id].ToHashSet());
            // PostgreSQL keeps microseconds: an instant computed from stored times may differ from the stored one below that.
            Assert.True(expected is null ? r.NextEscalationAt is null : r.NextEscalationAt is { } at && Math.Abs((at - expected.Value).Ticks) < 10,
                $"{r.Number} ({r.Status}) is scheduled for {r.NextEscalationAt:O}, expected {expected:O}");
        }
    }

    [Fact]
    public async Task The_demo_city_starts_with_every_next_escalation_right()
    {
        await AssertEveryScheduleIsRightAsync();
        // Nothing is due the moment after the first sweep, so a pass reads nothing.
        Assert.Equal(new SweepResult(0, 0), await Sweep());
    }

    [Fact]
    public async Task The_next_escalation_follows_the_request_through_its_life_and_a_pass_reads_only_what_is_due()
    {
        var number = (await _city.ReportPotholeAsync(_citizen)).Number;
        var request = await _city.LoadAsync(number);
        Assert.Equal(request.CreatedAt.AddHours(3.2), request.NextEscalationAt); // at risk: 80 % of the 4 h response target

        _city.Clock.Advance(TimeSpan.FromHours(3.25));
        var now = _city.Clock.GetUtcNow().UtcDateTime;
        int dueNow, open;
        await using (var db = _city.Db())
        {
            dueNow = await db.Requests.CountAsync(r => r.NextEscalationAt <= now);
            open = await db.Requests.CountAsync(r => r.NextEscalationAt != null);
        }
        var pass = await Sweep();
        Assert.Equal(dueNow, pass.RequestsChecked); // the pass read only those whose moment came, ours among them
        Assert.True(dueNow < open / 2, $"{dueNow} of {open}");
        Assert.Equal([(SlaTarget.Response, 1)], await FiredAsync(number));
        Assert.Equal(request.ResponseDueAt, (await _city.LoadAsync(number)).NextEscalationAt); // the breach is next
        Assert.Equal(new SweepResult(0, 0), await Sweep());

        // Assigned: the response target is met, only the resolution target's levels are left.
        Assert.True((await _city.ActAsync(number, new TransitionInput(WorkflowAction.Triage), _dispatcher)).Succeeded);
        Assert.True((await _city.ActAsync(number, new TransitionInput(WorkflowAction.Assign) { AgentId = await _city.DemoAgentIdAsync() }, _dispatcher)).Succeeded);
        request = await _city.LoadAsync(number);
        Assert.Equal(SlaClock.AtRiskAt(request.CreatedAt, request.ResolutionDueAt!.Value), request.NextEscalationAt);

        // Unassigned before the response was ever breached: the response target runs again, its breach is next.
        Assert.True((await _city.ActAsync(number, new TransitionInput(WorkflowAction.Unassign) { Reason = "Wrong crew" }, _supervisor)).Succeeded);
        Assert.Equal(request.ResponseDueAt, (await _city.LoadAsync(number)).NextEscalationAt);

        Assert.True((await _city.ActAsync(number, new TransitionInput(WorkflowAction.CloseWithReason) { CloseReason = CloseReason.Invalid, Reason = "Already fixed" }, _supervisor)).Succeeded);
        Assert.Null((await _city.LoadAsync(number)).NextEscalationAt);
        _city.Clock.Advance(TimeSpan.FromDays(3));
        await Sweep();
        Assert.Equal([(SlaTarget.Response, 1)], await FiredAsync(number));
        await AssertEveryScheduleIsRightAsync();
    }

    [Fact]
    public async Task An_edited_escalation_level_reschedules_every_open_request_at_the_next_sweep_without_firing_early()
    {
        var number = (await _city.ReportPotholeAsync(_citizen)).Number;
        var admin = await _city.ActorAsync(Roles.Admin);
        var sla = _city.Get<SlaAdminService>();
        var atRisk = (await sla.RulesAsync()).Single(r => r.Level == 1);
        // Level 1 now comes two hours after the at-risk point.
        Assert.True((await sla.SaveRuleAsync(atRisk with { HoursAfterTrigger = 2 }, admin)).Succeeded);
        Assert.Equal(EscalationSchedule.LookNow, (await _city.LoadAsync(number)).NextEscalationAt);

        var pass = await Sweep();
        Assert.Equal(0, pass.LevelsFired);
        var request = await _city.LoadAsync(number);
        Assert.Equal(request.ResponseDueAt, request.NextEscalationAt); // 4 h: the breach now comes before level 1 (3.2 h + 2 h)
        await AssertEveryScheduleIsRightAsync();
        Assert.Equal(new SweepResult(0, 0), await Sweep());
    }

    [Fact]
    public async Task The_migration_backfill_marks_open_requests_and_the_next_sweep_computes_them_firing_nothing_twice()
    {
        await using (var db = _city.Db())
        {
            await db.Requests.ExecuteUpdateAsync(u => u.SetProperty(r => r.NextEscalationAt, (DateTime?)null));
            await db.Database.ExecuteSqlRawAsync(db.Database.IsNpgsql() ? EscalationScheduleSql.PostgresBackfill : EscalationScheduleSql.SqliteBackfill);
            var open = RequestStatusExtensions.OpenStatuses;
            // The SQL literal is EscalationSchedule.LookNow as EF reads it; closed requests stay null.
            Assert.True(await db.Requests.Where(r => open.Contains(r.Status)).AllAsync(r => r.NextEscalationAt == EscalationSchedule.LookNow));
            Assert.True(await db.Requests.Where(r => !open.Contains(r.Status)).AllAsync(r => r.NextEscalationAt == null));
        }
        int before;
        await using (var db = _city.Db()) before = await db.SlaEscalations.CountAsync();

        Assert.Equal(0, (await Sweep()).LevelsFired); // everything due had fired already (InitializeAsync)
        await AssertEveryScheduleIsRightAsync();
        await using (var db = _city.Db()) Assert.Equal(before, await db.SlaEscalations.CountAsync());
        Assert.Equal(new SweepResult(0, 0), await Sweep()); // running it again: nothing to read
    }
}
