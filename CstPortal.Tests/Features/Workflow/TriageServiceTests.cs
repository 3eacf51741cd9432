using CstPortal.Common;
using CstPortal.Features.Requests;
using CstPortal.Features.Workflow;
using CstPortal.Tests.Infrastructure;

namespace CstPortal.Tests.Features.Workflow;

public class TriageServiceTests : IAsyncLifetime
{
    private TestCity _city = default!;
    private Actor _citizen = default!, _dispatcher = default!;
    private TriageService Triage => _city.Get<TriageService>();

    public async Task InitializeAsync()
    {
        _city = await TestCity.CreateAsync(this);
        _citizen = await _city.ActorAsync(Roles.Citizen);
        _dispatcher = await _city.ActorAsync(Roles.Dispatcher);
    }

    public async Task DisposeAsync() => await _city.DisposeAsync();

    [Fact]
    public async Task The_queue_holds_only_new_requests_highest_priority_first_then_oldest()
    {
        var queue = await Triage.QueueAsync(new TriageFilter());

        Assert.NotEmpty(queue);
        foreach (var q in queue.Take(20)) Assert.Equal(RequestStatus.New, (await _city.LoadAsync(q.Number)).Status);
        Assert.Equal(queue.OrderBy(q => q.Priority).ThenBy(q => q.CreatedAt).Select(q => q.Number), queue.Select(q => q.Number));
        var zone = queue[0].ZoneId;
        Assert.All(await Triage.QueueAsync(new TriageFilter(ZoneId: zone)), q => Assert.Equal(zone, q.ZoneId));
        var old = await Triage.QueueAsync(new TriageFilter(MinAgeHours: 24));
        Assert.All(old, q => Assert.True(q.CreatedAt <= TestCity.Now.UtcDateTime.AddHours(-24)));
    }

    [Fact]
    public async Task Bulk_triage_and_assign_and_bulk_close_report_each_failure_by_number()
    {
        var a = (await _city.ReportPotholeAsync(_citizen, "Bulk one")).Number;
        var b = (await _city.ReportPotholeAsync(_citizen, "Bulk two")).Number;
        var c = (await _city.ReportPotholeAsync(_citizen, "Bulk three")).Number;
        var agentId = await _city.DemoAgentIdAsync();

        var assigned = await Triage.BulkTriageAndAssignAsync([new Selected(a, 1), new Selected(b, 1)], agentId, null, _dispatcher);
        Assert.Equal(new BulkOutcome(2, []), assigned with { Failures = [] });
        Assert.Empty(assigned.Failures);
        Assert.Equal(RequestStatus.Assigned, (await _city.LoadAsync(a)).Status);

        // b was assigned meanwhile; the list's old version makes it a clear, per-request failure.
        var closed = await Triage.BulkCloseAsync([new Selected(b, 1), new Selected(c, 1)], CloseReason.Invalid, _dispatcher);
        Assert.Equal(1, closed.Succeeded);
        Assert.Equal([$"{b}: {WorkflowService.ChangedByOthers}"], closed.Failures);
        Assert.Equal(RequestStatus.Closed, (await _city.LoadAsync(c)).Status);

        var dup = await Triage.BulkCloseAsync([new Selected(a, 3)], CloseReason.Duplicate, _dispatcher);
        Assert.Equal("Merge duplicates one at a time, naming the request each one duplicates.", Assert.Single(dup.Failures));
    }

    [Fact]
    public async Task The_agent_search_shows_zones_skills_and_open_workload()
    {
        var agents = await Triage.AgentsAsync("electrical");

        Assert.Equal(["Ines Holt", "Lena Watts", "Omar Reyes"], agents.Select(a => a.Name));
        Assert.All(agents, a => Assert.Contains("Electrical", a.Skills));
        Assert.All(agents, a => Assert.NotEmpty(a.Zones));
        Assert.Contains(await Triage.AgentsAsync("Harbor"), a => a.Zones.Contains("Harbor"));
    }
}
