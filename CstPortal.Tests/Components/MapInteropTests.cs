using Bunit;
using CstPortal.Components.Shared;
using CstPortal.Features.Analytics.Pages;
using CstPortal.Features.Assignment.Pages;
using CstPortal.Features.Geo;
using CstPortal.Features.Requests;
using CstPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace CstPortal.Tests.Components;

/// <summary>
/// What the map's JavaScript sends back ([JSInvokable] calls) is untrusted input: a tampered page can call these methods
/// with any values. Hostile values change nothing and throw nothing; a real value still works (so each test can fail).
/// </summary>
public class MapInteropTests : BunitTestBase, IAsyncLifetime
{
    private TestCity _city = default!;

    async Task IAsyncLifetime.InitializeAsync()
    {
        _city = await TestCity.CreateAsync();
        Services.AddSingleton(_city.Get<GeoFeedService>());
        Services.AddSingleton(_city.Get<RequestEvents>());
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await _city.DisposeAsync();
    }

    // ---- Live map: OnViewChanged(west, south, east, north, zoom) ----

    public static TheoryData<double, double, double, double, int> HostileViews => new()
    {
        { double.NaN, 39.9, -82.9, 40.1, 13 },
        { -83.1, double.NaN, -82.9, 40.1, 13 },
        { -83.1, 39.9, double.NaN, 40.1, 13 },
        { -83.1, 39.9, -82.9, double.NaN, 13 },
        { double.NegativeInfinity, 39.9, -82.9, 40.1, 13 },
        { -83.1, 39.9, double.PositiveInfinity, 40.1, 13 },
        { double.NegativeInfinity, double.NegativeInfinity, double.PositiveInfinity, double.PositiveInfinity, 13 },
        { -83.1, 91, -82.9, 92, 13 },      // entirely beyond the pole
        { 181, 39.9, 182, 40.1, 13 },      // entirely beyond the antimeridian
        { -82.9, 39.9, -83.1, 40.1, 13 },  // inverted (west east of east)
        { -83.1, 40.1, -82.9, 39.9, 13 },  // inverted (south north of north)
        { -83.1, 39.9, -82.9, 40.1, -1 },
        { -83.1, 39.9, -82.9, 40.1, 99 },
        { -83.1, 39.9, -82.9, 40.1, int.MinValue },
    };

    private IRenderedComponent<LiveMapPage> RenderLiveMap()
    {
        Render<MudPopoverProvider>();
        var cut = Render<LiveMapPage>();
        // The page sets up its map (and can hear the browser) once its first render has imported the module.
        cut.WaitForAssertion(() => Assert.NotEmpty(JSInterop.Invocations["createAnalytics"]));
        return cut;
    }

    private async Task<(double West, double South, double East, double North)> AroundTheCentreAsync()
    {
        var (lat, lng) = await _city.Get<GeoFeedService>().CentreAsync();
        return (lng - 0.2, lat - 0.2, lng + 0.2, lat + 0.2);
    }

    private string OpenInView(IRenderedComponent<LiveMapPage> cut) => cut.Find("[data-testid=open-in-view]").TextContent.Trim();

    [Theory]
    [MemberData(nameof(HostileViews))]
    public async Task A_hostile_view_from_the_browser_is_ignored(double west, double south, double east, double north, int zoom)
    {
        var cut = RenderLiveMap();

        await cut.InvokeAsync(() => cut.Instance.OnViewChanged(west, south, east, north, zoom));

        Assert.Empty(JSInterop.Invocations["setHeat"]); // nothing was queried or drawn
        Assert.Equal("0 open requests in view", OpenInView(cut));
    }

    [Theory]
    [MemberData(nameof(HostileViews))]
    public async Task A_hostile_view_after_a_real_one_leaves_the_map_as_it_was(double west, double south, double east, double north, int zoom)
    {
        var cut = RenderLiveMap();
        var (w, s, e, n) = await AroundTheCentreAsync();
        await cut.InvokeAsync(() => cut.Instance.OnViewChanged(w, s, e, n, 13));
        cut.WaitForAssertion(() => Assert.Single(JSInterop.Invocations["setHeat"]));
        var shown = OpenInView(cut);

        await cut.InvokeAsync(() => cut.Instance.OnViewChanged(west, south, east, north, zoom));

        Assert.Single(JSInterop.Invocations["setHeat"]);
        Assert.Equal(shown, OpenInView(cut));
        Assert.Single(JSInterop.Invocations["setClusters"]);
    }

    [Fact]
    public async Task A_real_view_from_the_browser_counts_and_draws_the_open_requests_in_it()
    {
        var cut = RenderLiveMap();
        var (w, s, e, n) = await AroundTheCentreAsync();

        await cut.InvokeAsync(() => cut.Instance.OnViewChanged(w, s, e, n, 13));

        cut.WaitForAssertion(() =>
        {
            Assert.Single(JSInterop.Invocations["setHeat"]);
            Assert.NotEqual("0 open requests in view", OpenInView(cut));
        });
    }

    [Fact]
    public async Task A_view_overlapping_the_edge_of_the_world_is_clamped_not_refused()
    {
        // Leaflet reports longitudes past ±180 when the map is panned across the antimeridian or zoomed far out.
        var cut = RenderLiveMap();

        await cut.InvokeAsync(() => cut.Instance.OnViewChanged(-200, -95, 200, 95, 0));

        cut.WaitForAssertion(() => Assert.Single(JSInterop.Invocations["setHeat"]));
    }

    // ---- MapView: OnMapPicked(lat, lng) ----

    [Theory]
    [InlineData(double.NaN, -83.0)]
    [InlineData(40.0, double.NaN)]
    [InlineData(double.PositiveInfinity, -83.0)]
    [InlineData(double.NegativeInfinity, -83.0)]
    [InlineData(40.0, double.PositiveInfinity)]
    [InlineData(40.0, double.NegativeInfinity)]
    [InlineData(91, -83.0)]
    [InlineData(-91, -83.0)]
    [InlineData(40.0, 181)]
    [InlineData(40.0, -181)]
    public async Task A_hostile_pick_from_the_browser_sets_no_pin(double lat, double lng)
    {
        var picked = new List<(double, double)>();
        var cut = Render<MapView>(p => p
            .Add(c => c.Latitude, 40.0).Add(c => c.Longitude, -83.0)
            .Add(c => c.OnPicked, v => picked.Add(v)));
        var markup = cut.Markup;

        await cut.InvokeAsync(() => cut.Instance.OnMapPicked(lat, lng));

        Assert.Empty(picked);
        Assert.Equal(markup, cut.Markup);
    }

    [Theory]
    [InlineData(40.0412, -82.9987)]
    [InlineData(90, 180)]
    [InlineData(-90, -180)]
    public async Task A_real_pick_from_the_browser_sets_the_pin(double lat, double lng)
    {
        var picked = new List<(double, double)>();
        var cut = Render<MapView>(p => p
            .Add(c => c.Latitude, 40.0).Add(c => c.Longitude, -83.0)
            .Add(c => c.OnPicked, v => picked.Add(v)));

        await cut.InvokeAsync(() => cut.Instance.OnMapPicked(lat, lng));

        Assert.Equal([(lat, lng)], picked);
    }

    // ---- PointsMap: OnPointClicked(id) ----

    private static readonly PointsMap.Point[] Sent =
    [
        new("CST-2026-000101", 40.01, -83.01, "Pothole"),
        new("CST-2026-000102", 40.02, -83.02, "Street light"),
    ];

    [Theory]
    [InlineData("CST-2026-000999")]          // a number the map was never sent
    [InlineData("cst-2026-000101")]          // not the same number
    [InlineData("CST-2026-000101 ")]
    [InlineData("")]
    [InlineData("../../admin/users")]
    [InlineData(null)]
    public async Task A_click_on_a_point_the_map_was_never_sent_does_nothing(string? id)
    {
        var clicked = new List<string>();
        var cut = Render<PointsMap>(p => p.Add(c => c.Points, Sent).Add(c => c.OnPointClicked, v => clicked.Add(v)));
        var markup = cut.Markup;

        await cut.InvokeAsync(() => cut.Instance.PointClickedAsync(id!));

        Assert.Empty(clicked);
        Assert.Equal(markup, cut.Markup);
    }

    [Fact]
    public async Task A_click_on_a_point_the_map_was_sent_is_passed_on()
    {
        var clicked = new List<string>();
        var cut = Render<PointsMap>(p => p.Add(c => c.Points, Sent).Add(c => c.OnPointClicked, v => clicked.Add(v)));

        await cut.InvokeAsync(() => cut.Instance.PointClickedAsync("CST-2026-000102"));

        Assert.Equal(["CST-2026-000102"], clicked);
    }
}
