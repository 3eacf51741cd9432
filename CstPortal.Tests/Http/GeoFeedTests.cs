using System.Net;
using System.Text.Json;
using CstPortal.Common;
using CstPortal.Data.DemoCity;
using CstPortal.Features.Requests;
using CstPortal.Tests.Browser;
using Microsoft.Extensions.DependencyInjection;
using CstPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CstPortal.Tests.Http;

public class GeoFeedTests(CstAppFactory factory) : IClassFixture<CstAppFactory>
{
    private readonly HttpClient _client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    private async Task<JsonElement> GetJsonAsync(string url, string mediaType = "application/geo+json")
    {
        var response = await _client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    [Fact]
    public async Task Requests_feed_is_RFC7946_points_in_lon_lat_order_inside_the_city_without_personal_data()
    {
        var root = await GetJsonAsync("/api/geo/requests.geojson?pageSize=200");

        Assert.Equal("FeatureCollection", root.GetProperty("type").GetString());
        var features = root.GetProperty("features").EnumerateArray().ToList();
        Assert.Equal(200, features.Count);
        Assert.True(root.GetProperty("totalFeatures").GetInt32() >= 600);
        foreach (var f in features)
        {
            Assert.Equal("Feature", f.GetProperty("type").GetString());
            var g = f.GetProperty("geometry");
            Assert.Equal("Point", g.GetProperty("type").GetString());
            var c = g.GetProperty("coordinates").EnumerateArray().Select(x => x.GetDouble()).ToArray();
            Assert.Equal(2, c.Length);
            // Position order is [longitude, latitude] (RFC 7946 §3.1.1): the demo city's lng is far from its lat.
            Assert.InRange(c[0], DemoCityPlan.CenterLng - 0.5, DemoCityPlan.CenterLng + 0.5);
            Assert.InRange(c[1], DemoCityPlan.CenterLat - 0.5, DemoCityPlan.CenterLat + 0.5);
            var props = f.GetProperty("properties");
            var names = props.EnumerateObject().Select(p => p.Name).ToHashSet();
            Assert.Equal(new HashSet<string> { "number", "category", "categoryName", "status", "createdAt" }, names);
        }
    }

    [Fact]
    public async Task Requests_feed_filters_by_bbox_status_category_and_pages()
    {
        var lat = DemoCityPlan.CenterLat; var lng = DemoCityPlan.CenterLng;
        var bbox = FormattableString.Invariant($"{lng - 0.01},{lat - 0.01},{lng + 0.01},{lat + 0.01}");
        var root = await GetJsonAsync($"/api/geo/requests.geojson?bbox={bbox}&status=open&category=pothole&pageSize=5&page=1");
        var total = root.GetProperty("totalFeatures").GetInt32();
        var features = root.GetProperty("features").EnumerateArray().ToList();
        Assert.True(features.Count <= 5);
        Assert.Equal(Math.Min(5, total), features.Count);
        foreach (var f in features)
        {
            var c = f.GetProperty("geometry").GetProperty("coordinates").EnumerateArray().Select(x => x.GetDouble()).ToArray();
            Assert.InRange(c[0], lng - 0.01, lng + 0.01);
            Assert.InRange(c[1], lat - 0.01, lat + 0.01);
            Assert.Equal("pothole", f.GetProperty("properties").GetProperty("category").GetString());
            Assert.Contains(f.GetProperty("properties").GetProperty("status").GetString(), new[] { "new", "triaged", "assigned", "in_progress" });
        }
    }

    [Fact]
    public async Task Zones_feed_has_polygons_with_open_and_overdue_counts_that_add_up()
    {
        var root = await GetJsonAsync("/api/geo/zones.geojson");
        var features = root.GetProperty("features").EnumerateArray().ToList();
        Assert.NotEmpty(features);
        var openTotal = 0;
        foreach (var f in features)
        {
            Assert.Contains(f.GetProperty("geometry").GetProperty("type").GetString(), new[] { "Polygon", "MultiPolygon" });
            var first = f.GetProperty("geometry").GetProperty("coordinates")[0][0].EnumerateArray().Select(x => x.GetDouble()).ToArray();
            Assert.InRange(first[0], DemoCityPlan.CenterLng - 1, DemoCityPlan.CenterLng + 1);
            var p = f.GetProperty("properties");
            Assert.InRange(p.GetProperty("overdue").GetInt32(), 0, p.GetProperty("open").GetInt32());
            openTotal += p.GetProperty("open").GetInt32();
        }
        var open = await GetJsonAsync("/api/geo/requests.geojson?status=open&pageSize=1");
        Assert.Equal(open.GetProperty("totalFeatures").GetInt32(), openTotal);
    }

    [Fact]
    public async Task Heat_cells_count_every_open_request_in_the_box()
    {
        var bbox = FormattableString.Invariant($"{DemoCityPlan.CenterLng - 1},{DemoCityPlan.CenterLat - 1},{DemoCityPlan.CenterLng + 1},{DemoCityPlan.CenterLat + 1}");
        var heat = await GetJsonAsync($"/api/geo/heat.json?bbox={bbox}&zoom=9&weight=age", "application/json");
        var open = await GetJsonAsync($"/api/geo/requests.geojson?status=open&pageSize=1&bbox={bbox}");
        var cells = heat.GetProperty("cells").EnumerateArray().ToList();
        Assert.NotEmpty(cells);
        Assert.Equal(open.GetProperty("totalFeatures").GetInt32(), cells.Sum(c => c.GetProperty("count").GetInt32()));
        Assert.True(cells.Count < cells.Sum(c => c.GetProperty("count").GetInt32()), "cells aggregate several requests");
        Assert.All(cells, c => Assert.InRange(c.GetProperty("weight").GetDouble(), c.GetProperty("count").GetInt32(), 4.0 * c.GetProperty("count").GetInt32()));
    }

    [Theory]
    [InlineData("/api/geo/requests.geojson?bbox=1,2,3", "bbox")]
    [InlineData("/api/geo/requests.geojson?bbox=10,60,5,50", "bbox")]
    [InlineData("/api/geo/requests.geojson?bbox=a,b,c,d", "bbox")]
    [InlineData("/api/geo/requests.geojson?status=lost", "status")]
    [InlineData("/api/geo/requests.geojson?from=yesterday", "from")]
    [InlineData("/api/geo/requests.geojson?from=2026-11-02&to=2026-11-01", "from")]
    [InlineData("/api/geo/requests.geojson?pageSize=999999", "pageSize")]
    [InlineData("/api/geo/requests.geojson?page=-1", "page")]
    [InlineData("/api/geo/requests.geojson?category=unicorns", "category")]
    [InlineData("/api/geo/zones.geojson?zone=atlantis", "zone")]
    [InlineData("/api/geo/heat.json", "bbox")]
    [InlineData("/api/geo/heat.json?bbox=0,0,1,1&zoom=99", "zoom")]
    [InlineData("/api/geo/heat.json?bbox=0,0,1,1&weight=heavy", "weight")]
    public async Task Bad_input_is_a_400_problem_that_names_the_parameter(string url, string parameter)
    {
        var response = await _client.GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Contains(parameter, problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Signed_in_staff_may_use_staff_filters_and_see_staff_fields()
    {
        var requests = factory.Services.GetRequiredService<RequestService>();
        var citizen = await Arrange.DemoActorAsync(factory.Services, Roles.Citizen);
        var pothole = (await requests.CategoriesAsync()).Single(c => c.Name == "Pothole");
        var receipt = await requests.SubmitAsync(new SubmitInput(pothole.Id, "Pothole for the staff feed", Scenario.CityCentre.Lat, Scenario.CityCentre.Lng,
            "3 Market Square", new Dictionary<string, string> { ["size"] = "small" }), citizen);
        Assert.True(receipt.Succeeded, receipt.Error);
        var client = await factory.SignedInClientAsync("dispatcher");

        var byPriority = await client.GetAsync($"/api/geo/requests.geojson?status=new&priority={pothole.DefaultPriority}&pageSize=5000");
        var overdue = await client.GetAsync("/api/geo/requests.geojson?status=open&overdue=true&pageSize=5000");

        Assert.Equal(HttpStatusCode.OK, byPriority.StatusCode);
        var features = JsonDocument.Parse(await byPriority.Content.ReadAsStringAsync()).RootElement.GetProperty("features").EnumerateArray().ToList();
        var mine = Assert.Single(features, f => f.GetProperty("id").GetString() == receipt.Value!.Number);
        Assert.False(mine.GetProperty("properties").GetProperty("overdue").GetBoolean());   // brand new: nothing due yet
        Assert.All(features, f =>
        {
            var p = f.GetProperty("properties");
            Assert.Equal(pothole.DefaultPriority.ToString(), p.GetProperty("priority").GetString());
            Assert.True(p.TryGetProperty("overdue", out _));
            Assert.False(p.TryGetProperty("description", out _));
        });
        Assert.Equal(HttpStatusCode.OK, overdue.StatusCode);
        Assert.All(JsonDocument.Parse(await overdue.Content.ReadAsStringAsync()).RootElement.GetProperty("features").EnumerateArray(),
            f => Assert.True(f.GetProperty("properties").GetProperty("overdue").GetBoolean()));
    }

    [Fact]
    public async Task A_signed_in_citizen_is_refused_staff_filters()
    {
        var client = await factory.SignedInClientAsync("citizen");

        var response = await client.GetAsync("/api/geo/requests.geojson?overdue=true");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Theory]
    [InlineData("priority=P1")]
    [InlineData("overdue=true")]
    [InlineData("team=1")]
    public async Task Staff_filters_are_refused_to_anonymous_callers(string query)
    {
        var response = await _client.GetAsync("/api/geo/requests.geojson?" + query);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
