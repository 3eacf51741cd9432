using System.Globalization;
using CstPortal.Common;
using CstPortal.Features.Audit;
using CstPortal.Features.Requests;
using CstPortal.Features.Workflow;
using CstPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CstPortal.Tests.Features.Workflow;

public class WorkflowServiceTests : IAsyncLifetime
{
    private TestCity _city = default!;
    private Actor _citizen = default!, _dispatcher = default!, _agent = default!, _supervisor = default!, _manager = default!;

    public async Task InitializeAsync()
    {
        _city = await TestCity.CreateAsync(this);
        _citizen = await _city.ActorAsync(Roles.Citizen);
        _dispatcher = await _city.ActorAsync(Roles.Dispatcher);
        _agent = await _city.ActorAsync(Roles.Agent);
        _supervisor = await _city.ActorAsync(Roles.Supervisor);
        _manager = await _city.ActorAsync(Roles.Manager);
    }

    public async Task DisposeAsync() => await _city.DisposeAsync();

    [Fact]
    public async Task A_request_goes_from_new_to_closed_with_history_milestones_and_audit_for_every_step()
    {
        var number = (await _city.ReportPotholeAsync(_citizen)).Number;
        var agentId = await _city.DemoAgentIdAsync();

        Assert.True((await _city.ActAsync(number, new TransitionInput(WorkflowAction.Triage) { Priority = CstPortal.Features.Requests.Priority.P1 }, _dispatcher)).Succeeded);
        _city.Clock.Advance(TimeSpan.FromMinutes(20));
        Assert.True((await _city.ActAsync(number, new TransitionInput(WorkflowAction.Assign) { AgentId = agentId }, _dispatcher)).Succeeded);
        _city.Clock.Advance(TimeSpan.FromHours(1));
        await using (var scope = _city.Scope())
        {
            var version = (await _city.LoadAsync(number)).Version;
            var arrived = await scope.ServiceProvider.GetRequiredService<WorkflowService>().RecordArrivalAsync(number, version, _agent, 40.04, -83.0);
            Assert.True(arrived.Succeeded, arrived.Error);
        }
        Assert.True((await _city.ActAsync(number, new TransitionInput(WorkflowAction.Start), _agent)).Succeeded);
        _city.Clock.Advance(TimeSpan.FromHours(2));
        Assert.True((await _city.ActAsync(number, new TransitionInput(WorkflowAction.Resolve) { ResolutionNote = "Filled and sealed" }, _agent)).Succeeded);
        Assert.True((await _city.ActAsync(number, new TransitionInput(WorkflowAction.Close), _citizen)).Succeeded);

        var request = await _city.LoadAsync(number);
        Assert.Equal(RequestStatus.Closed, request.Status);
        Assert.Equal(CstPortal.Features.Requests.Priority.P1, request.Priority);
        Assert.Equal(agentId, request.AssignedAgentId);
        Assert.Equal("Filled and sealed", request.ResolutionNote);
        Assert.Equal(
            [RequestStatus.New, RequestStatus.Triaged, RequestStatus.Assigned, RequestStatus.InProgress, RequestStatus.Resolved, RequestStatus.Closed],
            request.History.OrderBy(h => h.At).ThenBy(h => h.Id).Select(h => h.To));
        Assert.Equal([MilestoneKind.Arrived, MilestoneKind.WorkStarted, MilestoneKind.Resolved], request.Milestones.OrderBy(m => m.Id).Select(m => m.Kind));
        Assert.Equal(TestCity.Now.UtcDateTime, request.TriagedAt);
        // Triage set the SLA due times from the P1 policy (pothole: P3 respond 8 h, so P1 a quarter of it).
        Assert.Equal(request.CreatedAt.AddHours(2), request.ResponseDueAt);

        // submit + 6 actions (triage, assign, arrived, start, resolve, close) = 7 audit entries, and the chain holds.
        Assert.Equal(7, await _city.AuditCountAsync(number));
        Assert.True((await _city.Get<AuditService>().VerifyAsync()).Intact);
    }

    [Fact]
    public async Task A_transition_that_is_not_allowed_says_why_and_changes_nothing()
    {
        var number = (await _city.ReportPotholeAsync(_citizen)).Number;
        var before = await _city.LoadAsync(number);
        var audits = await _city.AuditCountAsync();

        var byAgent = await _city.ActAsync(number, new TransitionInput(WorkflowAction.Resolve) { ResolutionNote = "done" }, _agent);
        var byManager = await _city.ActAsync(number, new TransitionInput(WorkflowAction.Triage), _manager);

        Assert.False(byAgent.Succeeded);
        Assert.Equal("A request that is new cannot be resolved.", byAgent.Error);
        Assert.False(byManager.Succeeded);
        Assert.Equal("You are not allowed to triage this request.", byManager.Error);
        var after = await _city.LoadAsync(number);
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(before.Status, after.Status);
        Assert.Single(after.History);
        Assert.Equal(audits, await _city.AuditCountAsync());
    }

    [Fact]
    public async Task A_refused_transition_says_why_in_the_language_of_the_person_acting()
    {
        var number = (await _city.ReportPotholeAsync(_citizen)).Number;
        var (ui, fmt) = (CultureInfo.CurrentUICulture, CultureInfo.CurrentCulture);
        Result byAgent, byManager, noNote;
        try
        {
            CultureInfo.CurrentUICulture = CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("ar");
            byAgent = await _city.ActAsync(number, new TransitionInput(WorkflowAction.Resolve) { ResolutionNote = "done" }, _agent);
            byManager = await _city.ActAsync(number, new TransitionInput(WorkflowAction.Triage), _manager);
            noNote = await _city.ActAsync(number, new TransitionInput(WorkflowAction.Reopen), _supervisor);
        }
        finally { (CultureInfo.CurrentUICulture, CultureInfo.CurrentCulture) = (ui, fmt); }

        Assert.Equal("لا يمكن حلّ طلب حالته «جديد».", byAgent.Error);
        Assert.Equal("لا يحق لك فرز هذا الطلب.", byManager.Error);
        Assert.Equal("لا يمكن إعادة فتح طلب حالته «جديد».", noNote.Error);
        Assert.Equal(RequestStatus.New, (await _city.LoadAsync(number)).Status);
    }

    [Fact]
    public async Task Only_the_assigned_agent_can_start_work()
    {
        var number = (await _city.ReportPotholeAsync(_citizen)).Number;
        await _city.ActAsync(number, new TransitionInput(WorkflowAction.Triage), _dispatcher);
        await using var db = _city.Db();
        var otherAgent = await db.Agents.Where(a => a.UserId != _agent.UserId).Select(a => a.Id).FirstAsync();
        Assert.True((await _city.ActAsync(number, new TransitionInput(WorkflowAction.Assign) { AgentId = otherAgent }, _dispatcher)).Succeeded);

        var result = await _city.ActAsync(number, new TransitionInput(WorkflowAction.Start), _agent);

        Assert.False(result.Succeeded);
        Assert.Equal(RequestStatus.Assigned, (await _city.LoadAsync(number)).Status);
    }

    [Fact]
    public async Task Assigning_to_an_inactive_agent_is_refused()
    {
        var number = (await _city.ReportPotholeAsync(_citizen)).Number;
        await _city.ActAsync(number, new TransitionInput(WorkflowAction.Triage), _dispatcher);
        var agentId = await _city.DemoAgentIdAsync();
        await using (var db = _city.Db())
            await db.Agents.Where(a => a.Id == agentId).ExecuteUpdateAsync(s => s.SetProperty(a => a.IsActive, false));

        var result = await _city.ActAsync(number, new TransitionInput(WorkflowAction.Assign) { AgentId = agentId }, _supervisor);

        Assert.False(result.Succeeded);
        Assert.Equal(RequestStatus.Triaged, (await _city.LoadAsync(number)).Status);
    }

    [Fact]
    public async Task Closing_as_duplicate_links_the_master_and_raises_its_supporter_count()
    {
        var master = (await _city.ReportPotholeAsync(_citizen)).Number;
        var duplicate = (await _city.ReportPotholeAsync(Actor.Anonymous, "Same pothole again")).Number;

        var wrong = await _city.ActAsync(duplicate, new TransitionInput(WorkflowAction.CloseWithReason) { CloseReason = CloseReason.Duplicate, MasterNumber = duplicate }, _dispatcher);
        Assert.False(wrong.Succeeded);

        var result = await _city.ActAsync(duplicate, new TransitionInput(WorkflowAction.CloseWithReason) { CloseReason = CloseReason.Duplicate, MasterNumber = master }, _dispatcher);

        Assert.True(result.Succeeded, result.Error);
        var dup = await _city.LoadAsync(duplicate);
        var m = await _city.LoadAsync(master);
        Assert.Equal(RequestStatus.Closed, dup.Status);
        Assert.Equal(CloseReason.Duplicate, dup.CloseReason);
        Assert.Equal(m.Id, dup.MasterRequestId);
        Assert.Equal(1, m.SupporterCount);
    }

    [Fact]
    public async Task A_stale_version_is_refused_with_a_message_and_nothing_changes()
    {
        var number = (await _city.ReportPotholeAsync(_citizen)).Number;
        var seen = (await _city.LoadAsync(number)).Version;
        Assert.True((await _city.ActAsync(number, new TransitionInput(WorkflowAction.Triage), _dispatcher, seen)).Succeeded);

        var late = await _city.ActAsync(number, new TransitionInput(WorkflowAction.CloseWithReason) { CloseReason = CloseReason.Invalid }, _supervisor, seen);

        Assert.False(late.Succeeded);
        Assert.Equal(WorkflowService.ChangedByOthers, late.Error);
        Assert.Equal(RequestStatus.Triaged, (await _city.LoadAsync(number)).Status);
    }

    [Fact]
    public async Task Two_people_acting_at_once_on_the_same_version_exactly_one_wins()
    {
        var number = (await _city.ReportPotholeAsync(_citizen)).Number;
        var seen = (await _city.LoadAsync(number)).Version;
        var audits = await _city.AuditCountAsync(number);
        using var start = new ManualResetEventSlim(false);

        Task<Result> Race(Actor actor, TransitionInput input) => Task.Run(async () =>
        {
            start.Wait();
            await using var scope = _city.Scope();
            return await scope.ServiceProvider.GetRequiredService<WorkflowService>().ApplyAsync(number, seen, input, actor);
        });
        var triage = Race(_dispatcher, new TransitionInput(WorkflowAction.Triage));
        var close = Race(_supervisor, new TransitionInput(WorkflowAction.CloseWithReason) { CloseReason = CloseReason.Invalid });
        start.Set();
        var results = await Task.WhenAll(triage, close);

        Assert.Single(results, r => r.Succeeded);
        Assert.Single(results, r => !r.Succeeded && r.Error == WorkflowService.ChangedByOthers);
        var request = await _city.LoadAsync(number);
        Assert.Equal(2, request.History.Count);
        Assert.Equal(seen + 1, request.Version);
        Assert.Equal(results[0].Succeeded ? RequestStatus.Triaged : RequestStatus.Closed, request.Status);
        Assert.Equal(audits + 1, await _city.AuditCountAsync(number));
    }

    [Fact]
    public async Task The_version_token_rejects_the_second_of_two_saves_that_read_the_same_row()
    {
        var number = (await _city.ReportPotholeAsync(_citizen)).Number;
        await using var first = _city.Db();
        await using var second = _city.Db();
        var a = await first.Requests.SingleAsync(r => r.Number == number);
        var b = await second.Requests.SingleAsync(r => r.Number == number);
        var now = _city.Clock.GetUtcNow().UtcDateTime;
        var facts = new TransitionFacts { CategoryAndPriorityConfirmed = true, CloseReason = CloseReason.Invalid };

        Assert.True(a.Transition(new TransitionCommand(WorkflowAction.Triage, facts), Party.Dispatcher, _dispatcher.Info, now).Succeeded);
        Assert.True(b.Transition(new TransitionCommand(WorkflowAction.CloseWithReason, facts), Party.Supervisor, _supervisor.Info, now).Succeeded);
        await first.SaveChangesAsync();

        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => second.SaveChangesAsync());
        Assert.Equal(RequestStatus.Triaged, (await _city.LoadAsync(number)).Status);
    }

    [Fact]
    public async Task Reporter_can_reopen_within_a_week_with_a_reason()
    {
        var number = (await _city.ReportPotholeAsync(_citizen)).Number;
        await _city.ActAsync(number, new TransitionInput(WorkflowAction.Triage), _dispatcher);
        await _city.ActAsync(number, new TransitionInput(WorkflowAction.Assign) { AgentId = await _city.DemoAgentIdAsync() }, _dispatcher);
        await _city.ActAsync(number, new TransitionInput(WorkflowAction.Start), _agent);
        await _city.ActAsync(number, new TransitionInput(WorkflowAction.Resolve) { ResolutionNote = "Patched" }, _agent);
        _city.Clock.Advance(TimeSpan.FromDays(3));

        var noReason = await _city.ActAsync(number, new TransitionInput(WorkflowAction.Reopen), _citizen);
        var withReason = await _city.ActAsync(number, new TransitionInput(WorkflowAction.Reopen) { Reason = "The hole is back" }, _citizen);

        Assert.False(noReason.Succeeded);
        Assert.True(withReason.Succeeded, withReason.Error);
        var request = await _city.LoadAsync(number);
        Assert.Equal(RequestStatus.InProgress, request.Status);
        Assert.Equal(1, request.ReopenCount);
        Assert.Null(request.ResolvedAt);
    }
}

public class AutoCloseTests : IAsyncLifetime
{
    private TestCity _city = default!;

    public async Task InitializeAsync() => _city = await TestCity.CreateAsync(this);
    public async Task DisposeAsync() => await _city.DisposeAsync();

    [Fact]
    public async Task Resolved_requests_close_by_themselves_after_seven_days_once()
    {
        var cutoff = TestCity.Now.UtcDateTime.AddDays(-7);
        List<string> due, notYet;
        await using (var db = _city.Db())
        {
            due = await db.Requests.Where(r => r.Status == RequestStatus.Resolved && r.ResolvedAt <= cutoff).Select(r => r.Number).ToListAsync();
            notYet = await db.Requests.Where(r => r.Status == RequestStatus.Resolved && r.ResolvedAt > cutoff).Select(r => r.Number).ToListAsync();
        }
        Assert.NotEmpty(notYet);
        var workflow = _city.Get<WorkflowService>();

        var first = await workflow.AutoCloseResolvedAsync();
        var second = await workflow.AutoCloseResolvedAsync();

        Assert.Equal(due.Count, first);
        Assert.Equal(0, second);
        await using var check = _city.Db();
        Assert.Equal(due.Count, await check.Requests.CountAsync(r => due.Contains(r.Number) && r.Status == RequestStatus.Closed));
        Assert.Equal(notYet.Count, await check.Requests.CountAsync(r => notYet.Contains(r.Number) && r.Status == RequestStatus.Resolved));
        Assert.True(await check.StatusChanges.AnyAsync(h => h.ActorName == "System (auto-close)"));
    }
}
