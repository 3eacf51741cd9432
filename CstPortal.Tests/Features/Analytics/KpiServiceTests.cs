using CstPortal.Common;
using CstPortal.Features.Analytics;
using CstPortal.Features.Requests;
using CstPortal.Features.Workflow;
using CstPortal.Tests.Infrastructure;

namespace CstPortal.Tests.Features.Analytics;

/// <summary>
/// A fixed set of five potholes, created through the app's services 10 days after the demo history ends,
/// with the clock moved by hand; every expected figure below is worked out from this story.
/// </summary>
public class KpiServiceTests : IAsyncLifetime
{
    private TestCity _city = default!;
    private Actor _citizen = default!, _dispatcher = default!, _agent = default!;
    private DateTime _t0;
    private AnalyticsFilter _period = default!;
    private readonly Dictionary<string, string> _n = [];

    public async Task InitializeAsync()
    {
        _city = await TestCity.CreateAsync(this);
        _citizen = await _city.ActorAsync(Roles.Citizen);
        _dispatcher = await _city.ActorAsync(Roles.Dispatcher);
        _agent = await _city.ActorAsync(Roles.Agent);
        var agentId = await _city.DemoAgentIdAsync();

        _city.Clock.Advance(TimeSpan.FromDays(10));
        _t0 = _city.Clock.GetUtcNow().UtcDateTime;
        foreach (var name in new[] { "A", "B", "C", "D" })
            _n[name] = (await _city.ReportPotholeAsync(_citizen, $"Pothole {name}")).Number;

        // One minute in: A and B triaged (response met); A goes all the way to resolved (resolution met).
        _city.Clock.Advance(TimeSpan.FromMinutes(1));
        await Must("A", new TransitionInput(WorkflowAction.Triage), _dispatcher);
        await Must("A", new TransitionInput(WorkflowAction.Assign) { AgentId = agentId }, _dispatcher);
        await Must("A", new TransitionInput(WorkflowAction.Start), _agent);
        await Must("A", new TransitionInput(WorkflowAction.Resolve) { ResolutionNote = "Filled" }, _agent);
        await Must("B", new TransitionInput(WorkflowAction.Triage), _dispatcher);
        await Must("B", new TransitionInput(WorkflowAction.Assign) { AgentId = agentId }, _dispatcher);
        await Must("B", new TransitionInput(WorkflowAction.Start), _agent);

        // 30 days in (every pothole target long past): B resolved late, D triaged late, C never touched.
        _city.Clock.Advance(TimeSpan.FromDays(30) - TimeSpan.FromMinutes(1));
        await Must("B", new TransitionInput(WorkflowAction.Resolve) { ResolutionNote = "Filled late" }, _agent);
        await Must("D", new TransitionInput(WorkflowAction.Triage), _dispatcher);
        // E is brand new: no target has come due, so it counts for neither SLA.
        _n["E"] = (await _city.ReportPotholeAsync(_citizen, "Pothole E")).Number;
        _city.Clock.Advance(TimeSpan.FromMinutes(1));

        _period = new AnalyticsFilter { From = _t0, To = _t0.AddDays(31) };
    }

    private async Task Must(string who, TransitionInput input, Actor actor)
    {
        var r = await _city.ActAsync(_n[who], input, actor);
        Assert.True(r.Succeeded, $"{who} {input.Action}: {r.Error}");
    }

    public async Task DisposeAsync() => await _city.DisposeAsync();

    private Task<KpiReport> ReportAsync(AnalyticsFilter f) => _city.Get<KpiService>().ReportAsync(f);

    [Fact]
    public async Task Sla_met_percentages_for_the_fixed_set_match_the_hand_computed_answers()
    {
        var report = await ReportAsync(_period);

        Assert.Equal(5, report.Opened);
        Assert.Equal(2, report.Resolved);           // A and B
        Assert.Equal(0, report.Closed);
        // Response: met A, B; missed C (never triaged, past due), D (late); E not yet due → 2 of 4.
        Assert.Equal(new SlaRow("All", 5, 2, 4, 1, 4), report.Overall);
        Assert.Equal(50.0, report.Overall.ResponseMetPercent);
        // Resolution: met A; missed B (late), C and D (open past due) → 1 of 4.
        Assert.Equal(25.0, report.Overall.ResolutionMetPercent);

        var pothole = Assert.Single(report.ByDimension[SlaDimension.Category]);
        Assert.Equal("Pothole", pothole.Name);
        Assert.Equal(report.Overall with { Name = "Pothole" }, pothole);
        var priority = Assert.Single(report.ByDimension[SlaDimension.Priority]);
        Assert.Equal(25.0, priority.ResolutionMetPercent);
        var teams = report.ByDimension[SlaDimension.Team];
        Assert.Equal(5, teams.Sum(t => t.Requests));
        Assert.Equal(3, teams.Single(t => t.Name == "Unassigned").Requests);   // C, D, E
    }

    [Fact]
    public async Task Medians_breaches_backlog_reopen_rate_and_trend_for_the_fixed_set()
    {
        var report = await ReportAsync(_period);

        // Triage took 1 min (A), 1 min (B), 30 days less 1 min (D): the middle value is 1 minute.
        Assert.Equal(Math.Round(1 / 60.0, 2), report.Medians.HoursToTriage);
        // Resolve took 1 min (A) and 30 days (B, resolved at exactly t0 + 30 d): the median of two is their mean.
        Assert.Equal(Math.Round((1 / 60.0 + 720) / 2, 2), report.Medians.HoursToResolve);
        Assert.Equal(0.0, report.ReopenRatePercent);
        Assert.Null(report.AverageRating);

        Assert.Equal(new[] { _n["B"], _n["C"], _n["D"] }.Order(), report.Breaches.Select(b => b.Number).Order());
        Assert.All(report.Breaches, b => Assert.True(b.HoursLate > 0));

        Assert.Equal(1, report.Backlog.UnderOneDay);     // E; the demo city's requests are all older
        Assert.Equal(4, report.Trend.Single(p => p.Day == _t0.Date).Opened);
        Assert.Equal(1, report.Trend.Single(p => p.Day == _t0.Date).Resolved);
        Assert.Equal(5, report.Trend.Sum(p => p.Opened));
        Assert.Equal(2, report.Trend.Sum(p => p.Resolved));
    }

    [Fact]
    public async Task A_filter_that_matches_nothing_gives_zeros_and_no_percentages()
    {
        var report = await ReportAsync(_period with { Priority = Priority.P4 });

        Assert.Equal(0, report.Opened);
        Assert.Null(report.Overall.ResponseMetPercent);
        Assert.Null(report.Medians.HoursToResolve);
        Assert.Empty(report.Breaches);
    }
}
