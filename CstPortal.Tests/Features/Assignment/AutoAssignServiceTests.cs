using CstPortal.Common;
using CstPortal.Features.Admin;
using CstPortal.Features.Assignment;
using CstPortal.Features.Requests;
using CstPortal.Features.Workflow;
using CstPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CstPortal.Tests.Features.Assignment;

public class AutoAssignServiceTests : IAsyncLifetime
{
    private TestCity _city = default!;
    private Actor _citizen = default!, _dispatcher = default!, _admin = default!;

    public async Task InitializeAsync()
    {
        _city = await TestCity.CreateAsync(this);
        _citizen = await _city.ActorAsync(Roles.Citizen);
        _dispatcher = await _city.ActorAsync(Roles.Dispatcher);
        _admin = await _city.ActorAsync(Roles.Admin);
    }

    public async Task DisposeAsync() => await _city.DisposeAsync();

    /// <summary>A street light report at the centre, triaged by the dispatcher through the workflow only (no auto step).</summary>
    private async Task<string> TriagedStreetLightAsync(string text = "Light out on Market Square")
    {
        var requests = _city.Get<RequestService>();
        var light = (await requests.CategoriesAsync()).Single(c => c.Name == "Street light out");
        var receipt = await requests.SubmitAsync(new SubmitInput(light.Id, text, Scenario.CityCentre.Lat, Scenario.CityCentre.Lng, null,
            new Dictionary<string, string> { ["count"] = "1" }), _citizen);
        Assert.True(receipt.Succeeded, receipt.Error);
        Assert.True((await _city.ActAsync(receipt.Value!.Number, new TransitionInput(WorkflowAction.Triage), _dispatcher)).Succeeded);
        return receipt.Value.Number;
    }

    [Fact]
    public async Task A_triaged_request_goes_to_the_least_loaded_electrician_of_its_zone_with_the_reason_stored_and_audited()
    {
        var number = await TriagedStreetLightAsync();

        var result = await _city.Get<AutoAssignService>().AssignAsync(number);

        Assert.Equal(AutoAssignOutcome.AssignedToAgent, result.Outcome);
        var request = await _city.LoadAsync(number);
        Assert.Equal(RequestStatus.Assigned, request.Status);
        await using var db = _city.Db();
        var agent = await db.Agents.Include(a => a.Skills).Include(a => a.Zones).SingleAsync(a => a.Id == request.AssignedAgentId);
        var electrical = await db.Skills.SingleAsync(s => s.Code == "electrical");
        Assert.Contains(agent.Skills, s => s.SkillId == electrical.Id);
        Assert.Contains(agent.Zones, z => z.ZoneId == request.ZoneId);
        Assert.StartsWith("Auto-assigned: zone ", request.AssignmentNote);
        Assert.Contains("skill Electrical", request.AssignmentNote);
        var audit = await db.AuditEntries.Where(e => e.EntityId == number && e.Action == "request.assign").SingleAsync();
        Assert.Equal("System (auto-assign)", audit.ActorName);
        Assert.Contains("Auto-assigned: zone", audit.Data);
    }

    [Fact]
    public async Task Running_the_job_twice_assigns_once()
    {
        var number = await TriagedStreetLightAsync();
        var service = _city.Get<AutoAssignService>();

        var first = await service.AssignPendingAsync();
        var second = await service.AssignPendingAsync();

        Assert.Contains(first, r => r.Number == number && r.Outcome == AutoAssignOutcome.AssignedToAgent);
        Assert.DoesNotContain(second, r => r.Number == number);
        Assert.Single((await _city.LoadAsync(number)).History, h => h.Action == nameof(WorkflowAction.Assign));
    }

    [Fact]
    public async Task With_no_agent_able_to_take_it_the_request_goes_to_the_team_queue_and_the_supervisor_is_told()
    {
        var admin = _city.Get<AdminService>();
        var names = await admin.AgentNamesAsync();
        foreach (var a in await admin.AgentsAsync())
            if (new[] { "Lena Watts", "Omar Reyes", "Ines Holt" }.Contains(names[a.Id]))
                Assert.True((await admin.SaveAgentAsync(a with { IsActive = false }, _admin)).Succeeded);
        var number = await TriagedStreetLightAsync();

        var result = await _city.Get<AutoAssignService>().AssignAsync(number);

        Assert.Equal(AutoAssignOutcome.SentToTeamQueue, result.Outcome);
        var request = await _city.LoadAsync(number);
        Assert.Equal(RequestStatus.Assigned, request.Status);
        Assert.Null(request.AssignedAgentId);
        await using var db = _city.Db();
        Assert.Equal("Lighting crew", await db.Teams.Where(t => t.Id == request.AssignedTeamId).Select(t => t.Name).SingleAsync());
        var supervisor = await _city.ActorAsync(Roles.Supervisor);
        // Other notifications about the request may be queued too (the reporter's status emails): the supervisor gets this one, once.
        var toSupervisor = await db.Outbox.Where(m => m.RequestNumber == number && m.RecipientUserId == supervisor.UserId).ToListAsync();
        Assert.Single(toSupervisor, m => m.Body.Contains("No active agent in zone"));
    }

    [Fact]
    public async Task The_supervisor_is_told_why_in_their_own_language()
    {
        var admin = _city.Get<AdminService>();
        var names = await admin.AgentNamesAsync();
        foreach (var a in await admin.AgentsAsync())
            if (new[] { "Lena Watts", "Omar Reyes", "Ines Holt" }.Contains(names[a.Id]))
                Assert.True((await admin.SaveAgentAsync(a with { IsActive = false }, _admin)).Succeeded);
        var supervisor = await _city.ActorAsync(Roles.Supervisor);
        await using (var db = _city.Db())
            await db.Users.Where(u => u.Id == supervisor.UserId).ExecuteUpdateAsync(s => s.SetProperty(u => u.PreferredCulture, "ar"));
        var number = await TriagedStreetLightAsync();

        var result = await _city.Get<AutoAssignService>().AssignAsync(number); // the job runs in the server's language (English)

        Assert.Equal(AutoAssignOutcome.SentToTeamQueue, result.Outcome);
        await using var read = _city.Db();
        var message = await read.Outbox.SingleAsync(m => m.RequestNumber == number && m.RecipientUserId == supervisor.UserId);
        Assert.Contains("لا يوجد موظف ميداني نشط في المنطقة", message.Body);   // "No active agent in zone"
        Assert.Contains("أُرسل إلى قائمة انتظار الفريق.", message.Body);       // "Sent to the team's queue."
        Assert.DoesNotContain("No active agent", message.Body);
    }

    [Fact]
    public async Task Triage_of_an_auto_assign_category_assigns_at_once()
    {
        var requests = _city.Get<RequestService>();
        var light = (await requests.CategoriesAsync()).Single(c => c.Name == "Street light out");
        var number = (await requests.SubmitAsync(new SubmitInput(light.Id, "Dark lamp", Scenario.CityCentre.Lat, Scenario.CityCentre.Lng, null,
            new Dictionary<string, string> { ["count"] = "2" }), _citizen)).Value!.Number;

        var result = await _city.Get<TriageService>().TriageAsync(number, 1, light.Id, Priority.P3, _dispatcher);

        Assert.True(result.Succeeded, result.Error);
        Assert.True(result.Value!.Assigned); Assert.Contains("assigned to", result.Value.Message);
        Assert.Equal(RequestStatus.Assigned, (await _city.LoadAsync(number)).Status);
    }

    [Fact]
    public async Task Auto_assignment_racing_a_dispatcher_never_assigns_twice_and_never_fails_loudly()
    {
        int lena;
        await using (var db = _city.Db()) lena = await db.Agents.Where(a => a.DisplayName == "Lena Watts").Select(a => a.Id).SingleAsync();
        for (var i = 0; i < 8; i++)
        {
            var number = await TriagedStreetLightAsync($"Race {i}");
            var seen = (await _city.LoadAsync(number)).Version;
            using var start = new ManualResetEventSlim();
            var auto = Task.Run(async () =>
            {
                start.Wait();
                await using var scope = _city.Scope();
                return await scope.ServiceProvider.GetRequiredService<AutoAssignService>().AssignAsync(number);
            });
            var manual = Task.Run(async () =>
            {
                start.Wait();
                await using var scope = _city.Scope();
                return await scope.ServiceProvider.GetRequiredService<WorkflowService>()
                    .ApplyAsync(number, seen, new TransitionInput(WorkflowAction.Assign) { AgentId = lena }, _dispatcher);
            });
            start.Set();
            var (a, m) = (await auto, await manual);

            var request = await _city.LoadAsync(number);
            Assert.Single(request.History, h => h.Action == nameof(WorkflowAction.Assign));
            Assert.Equal(RequestStatus.Assigned, request.Status);
            Assert.True(a.Outcome == AutoAssignOutcome.AssignedToAgent ^ m.Succeeded, $"auto: {a.Outcome} {a.Reason}; manual: {m.Error}");
            if (m.Succeeded) Assert.Equal(AutoAssignOutcome.Skipped, a.Outcome);
            else Assert.Equal(WorkflowService.ChangedByOthers, m.Error);
            Assert.Equal(1, await CountAsync(number, "request.assign"));
        }
    }

    [Fact]
    public async Task A_batch_spreads_load_exactly_as_assigning_one_by_one_would()
    {
        // The same city twice, the same triaged street lights in each (and of mixed priority, so the weighted load matters):
        // one city assigns them one request at a time (each call reads agents and loads afresh), the other in one batch.
        var texts = Enumerable.Range(0, 9).Select(i => $"Lamp {i} dark on Market Square").ToList();
        async Task<List<string>> PrepareAsync(TestCity city)
        {
            var citizen = await city.ActorAsync(Roles.Citizen);
            var dispatcher = await city.ActorAsync(Roles.Dispatcher);
            var requests = city.Get<RequestService>();
            var light = (await requests.CategoriesAsync()).Single(c => c.Name == "Street light out");
            var numbers = new List<string>();
            for (var i = 0; i < texts.Count; i++)
            {
                var receipt = await requests.SubmitAsync(new SubmitInput(light.Id, texts[i], Scenario.CityCentre.Lat + i * 0.0005, Scenario.CityCentre.Lng, null,
                    new Dictionary<string, string> { ["count"] = "1" }), citizen);
                Assert.True(receipt.Succeeded, receipt.Error);
                var triage = new TransitionInput(WorkflowAction.Triage) { Priority = (Priority)(1 + i % 4) };
                Assert.True((await city.ActAsync(receipt.Value!.Number, triage, dispatcher)).Succeeded);
                numbers.Add(receipt.Value.Number);
            }
            return numbers;
        }
        async Task<List<(string Text, int? Agent, string? Note)>> OutcomeAsync(TestCity city, List<string> numbers)
        {
            await using var db = city.Db();
            return (await db.Requests.AsNoTracking().Where(r => numbers.Contains(r.Number))
                    .Select(r => new { r.Description, r.AssignedAgentId, r.AssignmentNote, r.Status }).ToListAsync())
                .Select(r => (r.Description, r.AssignedAgentId, r.AssignmentNote)).OrderBy(r => r.Description).ToList();
        }

        var numbers = await PrepareAsync(_city);
        await using var other = await TestCity.CreateAsync(this);
        var otherNumbers = await PrepareAsync(other);

        // One by one, in the order the job takes them (most urgent first).
        List<string> order;
        await using (var db = _city.Db())
            order = await db.Requests.Where(r => numbers.Contains(r.Number)).OrderBy(r => r.Priority).ThenBy(r => r.CreatedAt).ThenBy(r => r.Id).Select(r => r.Number).ToListAsync();
        foreach (var number in order)
            Assert.Equal(AutoAssignOutcome.AssignedToAgent, (await _city.Get<AutoAssignService>().AssignAsync(number)).Outcome);
        var batch = await other.Get<AutoAssignService>().AssignPendingAsync();

        Assert.Equal(texts.Count, batch.Count(r => otherNumbers.Contains(r.Number) && r.Outcome == AutoAssignOutcome.AssignedToAgent));
        var oneByOne = await OutcomeAsync(_city, numbers);
        Assert.Equal(oneByOne, await OutcomeAsync(other, otherNumbers));
        Assert.True(oneByOne.Select(o => o.Agent).Distinct().Count() > 1, "the load was spread over several agents");
        // Written through the workflow: history and audit for each, in one go.
        await using var read = other.Db();
        Assert.Equal(texts.Count, await read.AuditEntries.CountAsync(e => otherNumbers.Contains(e.EntityId) && e.Action == "request.assign"));
        Assert.True((await other.Get<CstPortal.Features.Audit.AuditService>().VerifyAsync()).Intact);
    }

    private async Task<int> CountAsync(string number, string action)
    {
        await using var db = _city.Db();
        return await db.AuditEntries.CountAsync(e => e.EntityId == number && e.Action == action);
    }
}
