using CstPortal.Common;
using CstPortal.Data.DemoCity;
using CstPortal.Features.Analytics;
using CstPortal.Features.Geo;
using CstPortal.Features.Requests;
using CstPortal.Features.Workflow;
using CstPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CstPortal.Tests.Features.Geo;

/// <summary>The heat feed's per-cell summary (kept by database triggers) against a GROUP BY from scratch.</summary>
public class OpenRequestCellTests : IAsyncLifetime
{
    private TestCity _city = default!;
    private Actor _citizen = default!, _dispatcher = default!, _agent = default!, _supervisor = default!;

    // A box whose edges cut through the demo city's requests, so the feed counts edge cells from the requests themselves.
    private static readonly BoundingBox Inner = new(DemoCityPlan.LngLines[0] + 0.0123, DemoCityPlan.LatLines[0] + 0.0111,
        DemoCityPlan.LngLines[^1] - 0.0177, DemoCityPlan.LatLines[^1] - 0.0133);

    // South and west edges on grid-cell boundaries (1/1024 degree): those rows and columns count whole from the summary.
    private static readonly BoundingBox OnCellEdges = new(Math.Floor((DemoCityPlan.LngLines[0] + 0.0123 + 180) * 1024) / 1024 - 180,
        Math.Floor((DemoCityPlan.LatLines[0] + 0.0111 + 90) * 1024) / 1024 - 90, DemoCityPlan.LngLines[^1] - 0.0177, DemoCityPlan.LatLines[^1] - 0.0133);

    public async Task InitializeAsync()
    {
        _city = await TestCity.CreateAsync(this);
        _citizen = await _city.ActorAsync(Roles.Citizen);
        _dispatcher = await _city.ActorAsync(Roles.Dispatcher);
        _agent = await _city.ActorAsync(Roles.Agent);
        _supervisor = await _city.ActorAsync(Roles.Supervisor);
    }

    public async Task DisposeAsync() => await _city.DisposeAsync();

    [Fact]
    public async Task The_summary_equals_a_group_by_from_scratch_after_the_demo_load_and_a_mix_of_writes()
    {
        await AssertSummaryMatchesAsync(); // the demo city, written by the bulk loader
        Assert.True(await CountOpenAsync() > 0);

        var requests = _city.Get<RequestService>();
        var categories = await requests.CategoriesAsync();
        var pothole = categories.Single(c => c.Name == "Pothole");
        var other = categories.First(c => c.Id != pothole.Id);
        var master = (await _city.ReportPotholeAsync(_citizen, "Deep pothole by the bakery")).Number;
        var duplicate = (await _city.ReportPotholeAsync(_citizen, "Pothole next to the bakery")).Number;
        var recategorised = (await _city.ReportPotholeAsync(_citizen, "Not a pothole really")).Number;
        var resolvedThenReopened = (await _city.ReportPotholeAsync(_citizen, "Hole by the school")).Number;
        var closed = (await _city.ReportPotholeAsync(_citizen, "Hole by the church")).Number;
        var moved = (await _city.ReportPotholeAsync(_citizen, "Hole somewhere")).Number;
        await AssertSummaryMatchesAsync();

        // Triage with another category and priority
        Assert.True((await _city.ActAsync(recategorised, new TransitionInput(WorkflowAction.Triage) { CategoryId = other.Id, Priority = Priority.P1 }, _dispatcher)).Succeeded);
        // Resolve, then the reporter re-opens
        var agentId = await _city.DemoAgentIdAsync();
        Assert.True((await _city.ActAsync(resolvedThenReopened, new TransitionInput(WorkflowAction.Triage), _dispatcher)).Succeeded);
        Assert.True((await _city.ActAsync(resolvedThenReopened, new TransitionInput(WorkflowAction.Assign) { AgentId = agentId }, _dispatcher)).Succeeded);
        Assert.True((await _city.ActAsync(resolvedThenReopened, new TransitionInput(WorkflowAction.Start), _agent)).Succeeded);
        Assert.True((await _city.ActAsync(resolvedThenReopened, new TransitionInput(WorkflowAction.Resolve) { ResolutionNote = "Patched" }, _agent)).Succeeded);
        await AssertSummaryMatchesAsync();
        Assert.True((await _city.ActAsync(resolvedThenReopened, new TransitionInput(WorkflowAction.Reopen) { Reason = "The hole is back" }, _citizen)).Succeeded);
        // Closed with a reason
        Assert.True((await _city.ActAsync(closed, new TransitionInput(WorkflowAction.CloseWithReason) { CloseReason = CloseReason.Invalid, Reason = "Not in the city" }, _supervisor)).Succeeded);
        // Merged into another request
        var triage = _city.Get<TriageService>();
        Assert.True((await triage.MergeAsync(duplicate, (await _city.LoadAsync(duplicate)).Version, master, _dispatcher)).Succeeded);
        await AssertSummaryMatchesAsync();

        // Any writer: a location change and a bulk close by hand-written SQL, and a deleted request
        var (lat, lng) = (Scenario.CityCentre.Lat + 0.0123, Scenario.CityCentre.Lng - 0.0071);
        await using (var db = _city.Db())
        {
            await db.Requests.Where(r => r.Number == moved)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.Latitude, lat).SetProperty(r => r.Longitude, lng).SetProperty(r => r.GridCell, GeoGrid.Cell(lat, lng)));
            var someOpen = await db.Requests.Where(r => r.Status == RequestStatus.New).OrderBy(r => r.Id).Select(r => r.Id).Take(5).ToListAsync();
            await db.Requests.Where(r => someOpen.Contains(r.Id)).ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, RequestStatus.Closed));
            // Deleted (the app never deletes requests; the table stays right if someone does)
            var gone = await db.Requests.Where(r => r.Number == recategorised).Select(r => r.Id).SingleAsync();
            await db.StatusChanges.Where(x => x.ServiceRequestId == gone).ExecuteDeleteAsync();
            await db.RequestAnswers.Where(x => x.ServiceRequestId == gone).ExecuteDeleteAsync();
            await db.Comments.Where(x => x.ServiceRequestId == gone).ExecuteDeleteAsync();
            await db.InternalNotes.Where(x => x.ServiceRequestId == gone).ExecuteDeleteAsync();
            await db.Milestones.Where(x => x.ServiceRequestId == gone).ExecuteDeleteAsync();
            await db.Evidence.Where(x => x.ServiceRequestId == gone).ExecuteDeleteAsync();
            await db.Ratings.Where(x => x.ServiceRequestId == gone).ExecuteDeleteAsync();
            await db.RequestSupporters.Where(x => x.ServiceRequestId == gone).ExecuteDeleteAsync();
            await db.SlaEscalations.Where(x => x.ServiceRequestId == gone).ExecuteDeleteAsync();
            Assert.Equal(1, await db.Requests.Where(r => r.Id == gone).ExecuteDeleteAsync());
        }
        await AssertSummaryMatchesAsync();
    }

    [Fact]
    public async Task Heat_cells_from_the_summary_equal_those_counted_from_the_requests_even_where_the_box_cuts_cells()
    {
        await _city.ReportPotholeAsync(_citizen);
        var geo = _city.Get<GeoFeedService>();
        var pothole = (await _city.Get<RequestService>().CategoriesAsync()).Single(c => c.Name == "Pothole");
        foreach (var (filter, weight) in new[]
                 {
                     (AnalyticsFilter.OpenOnly, HeatWeight.Count), (AnalyticsFilter.OpenOnly, HeatWeight.Priority),
                     (AnalyticsFilter.OpenOnly with { CategoryId = pothole.Id }, HeatWeight.Priority),
                 })
        {
            Assert.True(GeoFeedService.SummaryHolds(filter, weight));
            // A From before any request changes nothing in the answer but sends the feed to the requests themselves.
            var fromRequests = filter with { From = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc) };
            Assert.False(GeoFeedService.SummaryHolds(fromRequests, weight));
            foreach (var (box, zoom) in new[] { (Inner, 11), (Inner, 13), (Inner, 14), (OnCellEdges, 13) })
            {
                var summary = await geo.HeatAsync(filter, box, zoom, weight);
                var scratch = await geo.HeatAsync(fromRequests, box, zoom, weight);
                Assert.True(summary.Total > 0);
                Assert.Equal(scratch.Total, summary.Total);
                Assert.Equal(scratch.MaxWeight, summary.MaxWeight);
                var expected = scratch.Cells.OrderBy(c => c.Latitude).ThenBy(c => c.Longitude).ToList();
                var actual = summary.Cells.OrderBy(c => c.Latitude).ThenBy(c => c.Longitude).ToList();
                Assert.Equal(expected.Count, actual.Count);
                foreach (var (e, a) in expected.Zip(actual))
                {
                    Assert.Equal((e.Count, e.Weight), (a.Count, a.Weight));
                    Assert.Equal(e.Latitude, a.Latitude, 9);
                    Assert.Equal(e.Longitude, a.Longitude, 9);
                }
            }
        }
    }

    private async Task<int> CountOpenAsync()
    {
        await using var db = _city.Db();
        return await db.OpenRequestCells.Where(c => c.CategoryId == OpenRequestCell.AllCategories).SumAsync(c => c.Count);
    }

    private async Task AssertSummaryMatchesAsync()
    {
        await using var db = _city.Db();
        var open = RequestStatusExtensions.OpenStatuses.ToList();
        var openRequests = db.Requests.Where(r => open.Contains(r.Status));
        var byCategory = await openRequests.GroupBy(r => new { r.CategoryId, r.GridCell })
            .Select(g => new Row(g.Key.CategoryId, g.Key.GridCell, g.Count(), g.Sum(r => r.Latitude), g.Sum(r => r.Longitude),
                g.Sum(r => r.Priority == Priority.P1 ? 4 : r.Priority == Priority.P2 ? 3 : r.Priority == Priority.P3 ? 2 : 1)))
            .ToListAsync();
        var all = await openRequests.GroupBy(r => r.GridCell)
            .Select(g => new Row(OpenRequestCell.AllCategories, g.Key, g.Count(), g.Sum(r => r.Latitude), g.Sum(r => r.Longitude),
                g.Sum(r => r.Priority == Priority.P1 ? 4 : r.Priority == Priority.P2 ? 3 : r.Priority == Priority.P3 ? 2 : 1)))
            .ToListAsync();
        var expected = byCategory.Concat(all).OrderBy(r => r.CategoryId).ThenBy(r => r.GridCell).ToList();
        var actual = await db.OpenRequestCells.Where(c => c.Count > 0).OrderBy(c => c.CategoryId).ThenBy(c => c.GridCell)
            .Select(c => new Row(c.CategoryId, c.GridCell, c.Count, c.SumLatitude, c.SumLongitude, c.PriorityWeight)).ToListAsync();
        Assert.NotEmpty(expected);
        Assert.Equal(expected.Select(r => (r.CategoryId, r.GridCell, r.Count, r.PriorityWeight)), actual.Select(r => (r.CategoryId, r.GridCell, r.Count, r.PriorityWeight)));
        foreach (var (e, a) in expected.Zip(actual))
        {
            // Sums of degrees kept by adding and subtracting: equal up to rounding.
            Assert.Equal(e.SumLatitude, a.SumLatitude, 6);
            Assert.Equal(e.SumLongitude, a.SumLongitude, 6);
        }
        Assert.False(await db.OpenRequestCells.AnyAsync(c => c.Count < 0));
    }

    private sealed record Row(int CategoryId, long GridCell, int Count, double SumLatitude, double SumLongitude, long PriorityWeight);
}
