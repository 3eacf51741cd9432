using CstPortal.Common;
using CstPortal.Features.Analytics;
using CstPortal.Features.Geo;
using CstPortal.Tests.Infrastructure;

namespace CstPortal.Tests.Features.Geo;

public class GeoFeedServiceTests : IAsyncLifetime
{
    private TestCity _city = default!;
    private AnalyticsFilter _mine = default!;
    private static readonly BoundingBox City = new(Scenario.CityCentre.Lng - 0.5, Scenario.CityCentre.Lat - 0.5, Scenario.CityCentre.Lng + 0.5, Scenario.CityCentre.Lat + 0.5);

    public async Task InitializeAsync()
    {
        _city = await TestCity.CreateAsync(this);
        _city.Clock.Advance(TimeSpan.FromDays(10));
        _mine = AnalyticsFilter.OpenOnly with { From = _city.Clock.GetUtcNow().UtcDateTime };
        var citizen = await _city.ActorAsync(Roles.Citizen);
        for (var i = 0; i < 3; i++) await _city.ReportPotholeAsync(citizen, $"Pothole {i}");
    }

    public async Task DisposeAsync() => await _city.DisposeAsync();

    [Fact]
    public async Task Three_potholes_on_one_spot_make_one_heat_cell_weighted_by_priority_or_age()
    {
        var geo = _city.Get<GeoFeedService>();

        var byPriority = await geo.HeatAsync(_mine, City, 12, HeatWeight.Priority);
        var byAge = await geo.HeatAsync(_mine, City, 12, HeatWeight.Age);

        var cell = Assert.Single(byPriority.Cells);
        Assert.Equal(3, cell.Count);
        Assert.Equal(3 * 3.0, cell.Weight);             // potholes are P2: weight 3 each
        Assert.Equal(Scenario.CityCentre.Lat, cell.Latitude, 9);
        Assert.Equal(Scenario.CityCentre.Lng, cell.Longitude, 9);
        Assert.Equal(3 * 1.0, Assert.Single(byAge.Cells).Weight);   // under a day old: weight 1 each
    }

    [Fact]
    public async Task Zone_counts_show_the_open_requests_and_turn_overdue_when_the_clock_passes_their_due_time()
    {
        var geo = _city.Get<GeoFeedService>();
        var zoneId = await _city.Get<ZoneDirectory>().LocateAsync(Scenario.CityCentre.Lat, Scenario.CityCentre.Lng);

        var now = await geo.ZoneCountsAsync(_mine);
        _city.Clock.Advance(TimeSpan.FromDays(30));
        var later = await geo.ZoneCountsAsync(_mine);

        Assert.Equal((3, 0), now.Where(z => z.ZoneId == zoneId).Select(z => (z.Open, z.Overdue)).Single());
        Assert.Equal(0, now.Where(z => z.ZoneId != zoneId).Sum(z => z.Open));
        Assert.Equal((3, 3), later.Where(z => z.ZoneId == zoneId).Select(z => (z.Open, z.Overdue)).Single());
        Assert.Equal(1.0, later.Single(z => z.ZoneId == zoneId).OverdueShare);
    }

    [Fact]
    public async Task Points_are_public_unless_asked_for_staff_and_pages_hold_the_total()
    {
        var geo = _city.Get<GeoFeedService>();

        var page1 = await geo.PointsAsync(_mine, City, 1, 2, staff: false);
        var page2 = await geo.PointsAsync(_mine, City, 2, 2, staff: true);

        Assert.Equal(3, page1.Total);
        Assert.Equal(2, page1.Items.Count);
        Assert.All(page1.Items, p => Assert.Null(p.Staff));
        var last = Assert.Single(page2.Items);
        Assert.NotNull(last.Staff);
        Assert.DoesNotContain(last.Number, page1.Items.Select(p => p.Number));
    }
}
