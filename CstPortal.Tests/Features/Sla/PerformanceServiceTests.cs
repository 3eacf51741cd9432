using CstPortal.Common;
using CstPortal.Features.Sla;
using CstPortal.Features.Workflow;
using CstPortal.Tests.Infrastructure;

namespace CstPortal.Tests.Features.Sla;

public class PerformanceServiceTests : IAsyncLifetime
{
    private TestCity _city = default!;
    public async Task InitializeAsync() => _city = await TestCity.CreateAsync(this);
    public async Task DisposeAsync() => await _city.DisposeAsync();

    [Theory]
    [InlineData(new double[] { }, null)]
    [InlineData(new double[] { 3 }, 3.0)]
    [InlineData(new double[] { 5, 1, 3 }, 3.0)]
    [InlineData(new double[] { 4, 1, 3, 2 }, 2.5)]
    public void Median_is_the_middle_value_or_the_mean_of_the_two_middle_values(double[] values, double? expected) =>
        Assert.Equal(expected, PerformanceService.Median(values));

    [Fact]
    public async Task A_request_resolved_in_time_counts_for_its_agent_and_team()
    {
        var before = await _city.Get<PerformanceService>().ReportAsync(30);
        var agentId = await _city.DemoAgentIdAsync();
        var number = (await _city.ReportPotholeAsync(await _city.ActorAsync(Roles.Citizen))).Number;
        var dispatcher = await _city.ActorAsync(Roles.Dispatcher);
        var agent = await _city.ActorAsync(Roles.Agent);
        Assert.True((await _city.ActAsync(number, new TransitionInput(WorkflowAction.Triage), dispatcher)).Succeeded);
        Assert.True((await _city.ActAsync(number, new TransitionInput(WorkflowAction.Assign) { AgentId = agentId }, dispatcher)).Succeeded);
        Assert.True((await _city.ActAsync(number, new TransitionInput(WorkflowAction.Start), agent)).Succeeded);
        _city.Clock.Advance(TimeSpan.FromHours(2));
        Assert.True((await _city.ActAsync(number, new TransitionInput(WorkflowAction.Resolve) { ResolutionNote = "Patched" }, agent)).Succeeded);

        var after = await _city.Get<PerformanceService>().ReportAsync(30);
        var a0 = before.Agents.Single(a => a.Id == agentId);
        var a1 = after.Agents.Single(a => a.Id == agentId);
        Assert.Equal(a0.Assigned + 1, a1.Assigned);
        Assert.Equal(a0.Resolved + 1, a1.Resolved);
        Assert.True(a1.SlaMetPercent >= a0.SlaMetPercent || a0.SlaMetPercent is null);
        Assert.Equal(before.Teams.Sum(t => t.Resolved) + 1, after.Teams.Sum(t => t.Resolved));
    }
}
