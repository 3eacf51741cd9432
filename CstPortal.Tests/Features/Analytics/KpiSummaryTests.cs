using CstPortal.Common;
using CstPortal.Data;
using CstPortal.Features.Analytics;
using CstPortal.Features.Requests;
using CstPortal.Features.Sla;
using CstPortal.Features.Workflow;
using CstPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CstPortal.Tests.Features.Analytics;

/// <summary>
/// The KPI summary (kept by triggers) against the from-scratch report as the oracle, on the demo city (loaded by the
/// bulk loader) after a mix of writes through every path: submissions, workflow transitions, a merge, a rating,
/// an SLA sweep and bulk ExecuteUpdate/ExecuteDelete statements.
/// </summary>
public class KpiSummaryTests : IAsyncLifetime
{
    private TestCity _city = default!;

    public async Task InitializeAsync()
    {
        _city = await TestCity.CreateAsync(this);
        var citizen = await _city.ActorAsync(Roles.Citizen);
        var dispatcher = await _city.ActorAsync(Roles.Dispatcher);
        var agent = await _city.ActorAsync(Roles.Agent);
        var agentId = await _city.DemoAgentIdAsync();

        var numbers = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            numbers.Add((await _city.ReportPotholeAsync(citizen, $"Pothole number {i} near the square")).Number);
            _city.Clock.Advance(TimeSpan.FromMinutes(37 + i * 11));
        }
        async Task Must(string number, TransitionInput input, Actor actor)
        {
            var r = await _city.ActAsync(number, input, actor);
            Assert.True(r.Succeeded, $"{number} {input.Action}: {r.Error}");
        }
        foreach (var n in numbers.Take(4)) await Must(n, new TransitionInput(WorkflowAction.Triage), dispatcher);
        _city.Clock.Advance(TimeSpan.FromHours(3));
        foreach (var n in numbers.Take(3)) await Must(n, new TransitionInput(WorkflowAction.Assign) { AgentId = agentId }, dispatcher);
        foreach (var n in numbers.Take(2)) await Must(n, new TransitionInput(WorkflowAction.Start), agent);
        _city.Clock.Advance(TimeSpan.FromDays(2));
        await Must(numbers[0], new TransitionInput(WorkflowAction.Resolve) { ResolutionNote = "Filled" }, agent);
        Assert.True((await _city.Get<CitizenService>().RateAsync(numbers[0], null, 4, "Quick", citizen)).Succeeded);
        Assert.True((await _city.Get<TriageService>().MergeAsync(numbers[5], (await _city.LoadAsync(numbers[5])).Version, numbers[4], dispatcher)).Succeeded);
        _city.Clock.Advance(TimeSpan.FromDays(5));
        await _city.Get<SlaSweep>().RunAsync();

        // Bulk statements that bypass the entities: change dimensions, reopen counts and a rating of demo requests.
        await using var db = _city.Db();
        var someIds = await db.Requests.OrderBy(r => r.Id).Where(r => r.Id % 7 == 3).Select(r => r.Id).Take(40).ToListAsync();
        await db.Requests.Where(r => someIds.Contains(r.Id)).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.Priority, Priority.P1).SetProperty(r => r.ReopenCount, r => r.ReopenCount + 1).SetProperty(r => r.AssignedTeamId, (int?)null));
        var oneRating = await db.Ratings.OrderBy(r => r.Id).Select(r => r.Id).FirstAsync();
        await db.Ratings.Where(r => r.Id == oneRating).ExecuteUpdateAsync(s => s.SetProperty(r => r.Stars, 1));
        var otherRating = await db.Ratings.OrderByDescending(r => r.Id).Select(r => r.Id).FirstAsync();
        await db.Ratings.Where(r => r.Id == otherRating).ExecuteDeleteAsync();
    }

    public async Task DisposeAsync() => await _city.DisposeAsync();

    public static TheoryData<string> Periods => new() { "90 days from now, not on a day boundary", "all time", "whole days", "within one day", "last 30 days to a time of day" };

    private AnalyticsFilter Period(string name)
    {
        var now = _city.Clock.GetUtcNow().UtcDateTime;
        return name switch
        {
            "90 days from now, not on a day boundary" => new AnalyticsFilter { From = now.AddDays(-90) },
            "all time" => new AnalyticsFilter(),
            "whole days" => new AnalyticsFilter { From = now.Date.AddDays(-200), To = now.Date.AddDays(-3) },
            "within one day" => new AnalyticsFilter { From = now.Date.AddDays(-8).AddHours(2), To = now.Date.AddDays(-8).AddHours(20) },
            _ => new AnalyticsFilter { From = now.Date.AddDays(-30), To = now.AddHours(-5) },
        };
    }

    [Theory]
    [MemberData(nameof(Periods))]
    public async Task The_summary_backed_report_equals_the_report_computed_from_the_requests(string period)
    {
        var filter = Period(period);
        var kpis = _city.Get<KpiService>();
        Assert.True(KpiService.CanUseSummary(filter));

        var summary = await kpis.ReportAsync(filter);
        var oracle = await kpis.FromScratchReportAsync(filter);

        Assert.True(oracle.Opened > 0, "the period must hold requests for the comparison to mean something");
        Assert.Equal(oracle.Opened, summary.Opened);
        Assert.Equal(oracle.Resolved, summary.Resolved);
        Assert.Equal(oracle.Closed, summary.Closed);
        Assert.Equal(oracle.Backlog, summary.Backlog);
        Assert.Equal(oracle.Overall, summary.Overall);
        foreach (var dimension in Enum.GetValues<SlaDimension>())
            Assert.Equal(oracle.ByDimension[dimension], summary.ByDimension[dimension]);
        Assert.Equal(oracle.Medians, summary.Medians);
        Assert.Equal(oracle.ReopenRatePercent, summary.ReopenRatePercent);
        Assert.Equal(oracle.AverageRating, summary.AverageRating);
        Assert.Equal(oracle.Ratings, summary.Ratings);
        Assert.Equal(oracle.Trend, summary.Trend);
        Assert.Equal(oracle.Breaches, summary.Breaches);
    }

    [Fact]
    public async Task The_summary_kept_by_triggers_equals_the_summary_rebuilt_from_scratch()
    {
        await using var db = _city.Db();
        var kept = await SnapshotAsync(db);
        foreach (var statement in KpiSummarySql.Rebuild(db.Database.ProviderName == "Npgsql.EntityFrameworkCore.PostgreSQL"))
            await db.Database.ExecuteSqlRawAsync(statement);
        var rebuilt = await SnapshotAsync(db);

        Assert.NotEmpty(rebuilt.Days);
        Assert.Equal(rebuilt.Days, kept.Days);
        Assert.Equal(rebuilt.Buckets, kept.Buckets);
    }

    /// <summary>The rows that carry a count (a row whose counts all went back to zero is the same as no row).</summary>
    private static async Task<(List<string> Days, List<string> Buckets)> SnapshotAsync(CstDbContext db)
    {
        var days = (await db.KpiDays.AsNoTracking().ToListAsync())
            .Where(d => d.Opened != 0 || d.Resolved != 0 || d.Closed != 0 || d.ResponseMet != 0 || d.ResponseDone != 0 || d.ResolutionMet != 0
                        || d.ResolutionDone != 0 || d.Reopenable != 0 || d.Reopened != 0 || d.Ratings != 0 || d.RatingStars != 0)
            .Select(d => $"{d.Day:yyyy-MM-dd} {d.Dimension} {d.Key}: {d.Opened} {d.Resolved} {d.Closed} {d.ResponseMet} {d.ResponseDone} {d.ResolutionMet} {d.ResolutionDone} {d.Reopenable} {d.Reopened} {d.Ratings} {d.RatingStars}")
            .Order(StringComparer.Ordinal).ToList();
        var buckets = (await db.KpiDurationBuckets.AsNoTracking().Where(b => b.Count != 0).ToListAsync())
            .Select(b => $"{b.Day:yyyy-MM-dd} {b.Measure} {b.Bucket}: {b.Count}").Order(StringComparer.Ordinal).ToList();
        return (days, buckets);
    }
}
