using CstPortal.Common;
using CstPortal.Data;
using CstPortal.Features.Assignment;
using CstPortal.Features.Audit;
using CstPortal.Features.Requests;
using CstPortal.Features.Workflow;
using CstPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CstPortal.Tests.Security;

/// <summary>
/// A Blazor page only offers what is allowed, but a circuit carries whatever a modified browser sends. Each case
/// sends a value the UI never offered straight to the service method the page calls: it is refused with a
/// clear message and nothing changes (every table's count, every request's version, the audit head, the files),
/// and the audit chain still verifies.
/// </summary>
public class InjectedEventTests : IAsyncLifetime
{
    private TestCity _city = default!;
    private Arranged _a = default!;

    /// <summary>What each case works on: requests in known states and the people of the demo city.</summary>
    private sealed record Arranged(
        TestCity City, Actor Citizen, Actor Agent, Actor Dispatcher, Actor Supervisor, int AgentId, int InactiveAgentId,
        string New, string Triaged, string Assigned, string Resolved, string OtherCitizens)
    {
        public TriageService Triage => City.Get<TriageService>();
        public WorkflowService Workflow => City.Get<WorkflowService>();
        public CitizenService Citizens => City.Get<CitizenService>();
        public StaffWorkService Staff => City.Get<StaffWorkService>();
        public async Task<long> V(string number) => (await City.LoadAsync(number)).Version;
    }

    public async Task InitializeAsync()
    {
        _city = await TestCity.CreateAsync();
        var citizen = await _city.ActorAsync(Roles.Citizen);
        var agent = await _city.ActorAsync(Roles.Agent);
        var dispatcher = await _city.ActorAsync(Roles.Dispatcher);
        var supervisor = await _city.ActorAsync(Roles.Supervisor);
        var agentId = await _city.DemoAgentIdAsync();
        int inactive;
        await using (var db = _city.Db())
        {
            var other = await db.Agents.Where(a => a.Id != agentId).OrderBy(a => a.Id).FirstAsync();
            other.IsActive = false; // an agent the assignment form no longer offers
            await db.SaveChangesAsync();
            inactive = other.Id;
        }

        var fresh = (await _city.ReportPotholeAsync(citizen, "New pothole")).Number;
        var triaged = (await _city.ReportPotholeAsync(citizen, "Triaged pothole")).Number;
        var assigned = (await _city.ReportPotholeAsync(citizen, "Assigned pothole")).Number;
        var resolved = (await _city.ReportPotholeAsync(citizen, "Resolved pothole")).Number;
        var others = (await _city.ReportPotholeAsync(supervisor, "Someone else's pothole")).Number;
        foreach (var n in new[] { triaged, assigned, resolved }) Assert.True((await _city.ActAsync(n, new TransitionInput(WorkflowAction.Triage), dispatcher)).Succeeded);
        foreach (var n in new[] { assigned, resolved })
            Assert.True((await _city.ActAsync(n, new TransitionInput(WorkflowAction.Assign) { AgentId = agentId }, dispatcher)).Succeeded);
        Assert.True((await _city.ActAsync(resolved, new TransitionInput(WorkflowAction.Start), agent)).Succeeded);
        Assert.True((await _city.ActAsync(resolved, new TransitionInput(WorkflowAction.Resolve) { ResolutionNote = "Filled" }, agent)).Succeeded);
        _a = new Arranged(_city, citizen, agent, dispatcher, supervisor, agentId, inactive, fresh, triaged, assigned, resolved, others);
    }

    public async Task DisposeAsync() => await _city.DisposeAsync();

    private static readonly Dictionary<string, (Func<Arranged, Task<Result>> Send, string Message)> Cases = new()
    {
        ["unknown category id at triage"] = (async a => Plain(await a.Triage.TriageAsync(a.New, await a.V(a.New), 987_654, Priority.P2, a.Dispatcher)), "category"),
        ["priority out of range at triage"] = (async a => Plain(await a.Triage.TriageAsync(a.New, await a.V(a.New), 1, (Priority)42, a.Dispatcher)), "priority"),
        ["negative priority at triage"] = (async a => Plain(await a.Triage.TriageAsync(a.New, await a.V(a.New), 1, (Priority)(-1), a.Dispatcher)), "priority"),
        ["undefined workflow action"] = (async a => await a.Workflow.ApplyAsync(a.New, await a.V(a.New), new TransitionInput((WorkflowAction)99), a.Dispatcher), ""),
        ["agent triages"] = (async a => await a.Workflow.ApplyAsync(a.New, await a.V(a.New), new TransitionInput(WorkflowAction.Triage), a.Agent), ""),
        ["reporter assigns own request"] = (async a => await a.Workflow.ApplyAsync(a.Triaged, await a.V(a.Triaged), new TransitionInput(WorkflowAction.Assign) { AgentId = a.AgentId }, a.Citizen), ""),
        ["dispatcher resolves"] = (async a => await a.Workflow.ApplyAsync(a.Assigned, await a.V(a.Assigned), new TransitionInput(WorkflowAction.Resolve) { ResolutionNote = "x" }, a.Dispatcher), ""),
        ["start a new request"] = (async a => await a.Workflow.ApplyAsync(a.New, await a.V(a.New), new TransitionInput(WorkflowAction.Start), a.Agent), ""),
        ["resolve without a note"] = (async a => await a.Staff.RecordAsync(a.Assigned, await a.V(a.Assigned), FieldMilestone.Resolved, a.Agent, null, null, "  "), ""),
        ["undefined field milestone"] = (async a => await a.Staff.RecordAsync(a.Assigned, await a.V(a.Assigned), (FieldMilestone)9, a.Agent, null, null, "a note"), "milestone"),
        ["assign to an unknown agent"] = (async a => await a.Triage.AssignAsync(a.Triaged, await a.V(a.Triaged), 987_654, null, a.Dispatcher), ""),
        ["assign to an inactive agent"] = (async a => await a.Triage.AssignAsync(a.Triaged, await a.V(a.Triaged), a.InactiveAgentId, null, a.Dispatcher), ""),
        ["assign to an unknown team"] = (async a => await a.Triage.AssignAsync(a.Triaged, await a.V(a.Triaged), null, 987_654, a.Dispatcher), ""),
        ["reassign to an unknown agent"] = (async a => await a.Staff.ReassignAsync(a.Assigned, await a.V(a.Assigned), 987_654, a.Supervisor), "agent"),
        ["reassign to an inactive agent"] = (async a => await a.Staff.ReassignAsync(a.Assigned, await a.V(a.Assigned), a.InactiveAgentId, a.Supervisor), "agent"),
        ["close with an undefined reason"] = (async a => await a.Triage.CloseAsync(a.New, await a.V(a.New), (CloseReason)77, a.Dispatcher), ""),
        ["merge into itself"] = (async a => await a.Triage.MergeAsync(a.New, await a.V(a.New), a.New, a.Dispatcher), ""),
        ["merge into an unknown request"] = (async a => await a.Triage.MergeAsync(a.New, await a.V(a.New), "CST-1999-000001", a.Dispatcher), ""),
        ["rating of 9"] = (async a => await a.Citizens.RateAsync(a.Resolved, null, 9, null, a.Citizen), "1 to 5 stars"),
        ["rating of 0"] = (async a => await a.Citizens.RateAsync(a.Resolved, null, 0, null, a.Citizen), "1 to 5 stars"),
        ["rating of int.MinValue"] = (async a => await a.Citizens.RateAsync(a.Resolved, null, int.MinValue, null, a.Citizen), "1 to 5 stars"),
        ["rating someone else's request"] = (async a => await a.Citizens.RateAsync(a.OtherCitizens, null, 5, null, a.Citizen), "Only the person who reported"),
        ["stale version"] = (async a => await a.Workflow.ApplyAsync(a.New, await a.V(a.New) - 1, new TransitionInput(WorkflowAction.Triage), a.Dispatcher), "changed by someone else"),
        ["report with an unknown category id"] = (async a => Plain(await a.Citizens.SubmitAsync(new SubmitInput(987_654, "Pothole", Scenario.CityCentre.Lat, Scenario.CityCentre.Lng, null), a.Citizen, "10.1.1.1")), "Choose a category"),
        ["report with an answer to no question"] = (async a => Plain(await a.Citizens.SubmitAsync(new SubmitInput(await PotholeAsync(a), "Pothole", Scenario.CityCentre.Lat, Scenario.CityCentre.Lng, null,
            new Dictionary<string, string> { ["size"] = "small", ["injected"] = "x" }), a.Citizen, "10.1.1.1")), "is not a question"),
        ["report with a choice never offered"] = (async a => Plain(await a.Citizens.SubmitAsync(new SubmitInput(await PotholeAsync(a), "Pothole", Scenario.CityCentre.Lat, Scenario.CityCentre.Lng, null,
            new Dictionary<string, string> { ["size"] = "enormous" }), a.Citizen, "10.1.1.1")), "offered"),
        ["report at NaN"] = (async a => Plain(await a.Citizens.SubmitAsync(new SubmitInput(await PotholeAsync(a), "Pothole", double.NaN, double.NaN, null,
            new Dictionary<string, string> { ["size"] = "small" }), a.Citizen, "10.1.1.1")), "not a valid point"),
        ["comment on someone else's request"] = (async a => await a.Citizens.CommentAsync(a.OtherCitizens, null, "hello", a.Citizen, "10.1.1.1"), "that you can comment on"),
        ["confirm someone else's fix"] = (async a => await a.Citizens.ConfirmOrDisputeAsync(a.Resolved, null, await a.V(a.Resolved), true, null, a.Supervisor with { Roles = new HashSet<string>() }), ""),
        ["dispute with a wrong tracking code"] = (async a => await a.Citizens.ConfirmOrDisputeAsync(a.Resolved, "WRONGCODE123", await a.V(a.Resolved), false, "not fixed", Actor.Anonymous), ""),
    };

    private static async Task<int> PotholeAsync(Arranged a) => (await a.City.Get<RequestService>().CategoriesAsync()).Single(c => c.Name == "Pothole").Id;

    private static Result Plain<T>(Result<T> r) => r.Succeeded ? Result.Ok() : Result.Fail(r.Error!);

    public static TheoryData<string> CaseNames() => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task A_value_the_ui_never_offered_is_refused_and_nothing_changes(string name)
    {
        var (send, message) = Cases[name];
        var before = await StateSnapshot.TakeAsync(_city.Get<IDbContextFactory<CstDbContext>>(), _city.Directory);

        var result = await send(_a);

        Assert.False(result.Succeeded, $"{name} was accepted");
        Assert.False(string.IsNullOrWhiteSpace(result.Error));
        Assert.Contains(message, result.Error!, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Exception", result.Error);
        Assert.Equal(before, await StateSnapshot.TakeAsync(_city.Get<IDbContextFactory<CstDbContext>>(), _city.Directory));
        Assert.True((await _city.Get<AuditService>().VerifyAsync()).Intact);
    }
}
