using CstPortal.Common;
using CstPortal.Features.Admin;
using CstPortal.Features.Geo;
using CstPortal.Features.Requests;
using CstPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CstPortal.Tests.Features.Admin;

public class AdminServiceTests : IAsyncLifetime
{
    private TestCity _city = default!;
    private Actor _admin = default!;
    private AdminService Admin => _city.Get<AdminService>();

    public async Task InitializeAsync()
    {
        _city = await TestCity.CreateAsync(this);
        _admin = await _city.ActorAsync(Roles.Admin);
    }

    public async Task DisposeAsync() => await _city.DisposeAsync();

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"type":"Point","coordinates":[-83.0,40.0]}""")]
    [InlineData("""{"type":"Polygon","coordinates":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}""")]
    public async Task An_invalid_boundary_is_refused_with_a_message_and_nothing_is_saved(string geoJson)
    {
        var harbor = (await Admin.ZonesAsync()).Single(z => z.Code == "HARBOR");
        var audits = await _city.AuditCountAsync();

        var result = await Admin.SaveZoneAsync(harbor with { Name = "Changed", BoundaryGeoJson = geoJson }, _admin);

        Assert.False(result.Succeeded);
        Assert.StartsWith("The boundary is not a valid GeoJSON Polygon or MultiPolygon", result.Error);
        Assert.Equal(harbor, (await Admin.ZonesAsync()).Single(z => z.Code == "HARBOR"));
        Assert.Equal(audits, await _city.AuditCountAsync());
    }

    [Fact]
    public async Task Moving_a_zone_boundary_reports_overlaps_and_gaps_and_the_point_lookup_follows()
    {
        var zones = await Admin.ZonesAsync();
        Assert.Empty(await Admin.CoverageProblemsAsync());
        var harbor = zones.Single(z => z.Code == "HARBOR");
        var bigger = ZoneLocator.MakePolygon((40.0, -83.06), (40.05, -83.06), (40.05, -83.0), (40.0, -83.0));

        var result = await Admin.SaveZoneAsync(harbor with { BoundaryGeoJson = ZoneLocator.ToGeoJson(bigger) }, _admin);

        Assert.True(result.Succeeded, result.Error);
        Assert.Contains("Zones Harbor and Old Town overlap.", result.Value!);
        // The directory was invalidated: a point only the new boundary covers is found in Harbor now.
        Assert.Equal(harbor.Id, await _city.Get<ZoneDirectory>().LocateAsync(40.049, -83.059));
    }

    [Fact]
    public async Task A_zone_preview_shows_the_edited_boundary_with_the_others_and_saves_nothing()
    {
        var zones = await Admin.ZonesAsync();
        var shape = ZoneLocator.ToGeoJson(ZoneLocator.MakePolygon((40.0, -83.2), (40.1, -83.2), (40.1, -83.1)));

        var preview = await Admin.PreviewZoneAsync(new ZoneEdit(null, "PORT", "Port", shape));

        Assert.True(preview.Succeeded, preview.Error);
        using var doc = System.Text.Json.JsonDocument.Parse(preview.Value!);
        Assert.Equal(zones.Count + 1, doc.RootElement.GetProperty("features").GetArrayLength());
        Assert.Contains("\"Port\"", preview.Value);
        Assert.Equal(zones.Count, (await Admin.ZonesAsync()).Count);
        Assert.False((await Admin.PreviewZoneAsync(new ZoneEdit(null, "X", "X", "{}"))).Succeeded);
    }

    [Fact]
    public async Task Importing_a_file_with_one_bad_feature_saves_none_of_it()
    {
        var before = await Admin.ZonesAsync();
        const string file = """
            {"type":"FeatureCollection","features":[
              {"type":"Feature","properties":{"code":"PORT","name":"Port"},"geometry":{"type":"Polygon","coordinates":[[[-83.2,40.0],[-83.1,40.0],[-83.1,40.1],[-83.2,40.1],[-83.2,40.0]]]}},
              {"type":"Feature","properties":{"name":"No code"},"geometry":{"type":"Polygon","coordinates":[[[-83.3,40.0],[-83.2,40.0],[-83.2,40.1],[-83.3,40.0]]]}}
            ]}
            """;

        var result = await Admin.ImportZonesAsync(file, _admin);

        Assert.Equal("Every feature needs a \"code\" property.", result.Error);
        Assert.Equal(before.Count, (await Admin.ZonesAsync()).Count);
    }

    [Fact]
    public async Task Importing_a_valid_file_adds_the_zone_and_reports_that_it_is_separate()
    {
        const string file = """
            {"type":"FeatureCollection","features":[
              {"type":"Feature","properties":{"code":"PORT","name":"Port"},"geometry":{"type":"Polygon","coordinates":[[[-83.2,40.0],[-83.1,40.0],[-83.1,40.1],[-83.2,40.1],[-83.2,40.0]]]}}
            ]}
            """;

        var result = await Admin.ImportZonesAsync(file, _admin);

        Assert.True(result.Succeeded, result.Error);
        Assert.Contains((await Admin.ZonesAsync()), z => z.Code == "PORT" && z.Name == "Port");
        Assert.Contains("The zones do not form one connected area: some are separated from the others.", result.Value!);
    }

    [Theory]
    [InlineData(0, "", "The duplicate radius must be between 1 and 2,000 metres.")]
    [InlineData(50, "size | How big? | Colour | required", "Question line 1: the type must be Text, Number, SingleChoice or MultipleChoice.")]
    [InlineData(50, "size | How big? | SingleChoice | required", "Question line 1: a choice question needs options (key=Label;key=Label).")]
    public async Task An_invalid_category_is_refused_and_nothing_changes(int radius, string questions, string message)
    {
        var pothole = (await Admin.CategoriesAsync()).Single(c => c.ServiceCode == "pothole");

        var result = await Admin.SaveCategoryAsync(pothole with { DuplicateRadiusMeters = radius, Questions = questions, Name = "Changed" }, _admin);

        Assert.Equal(message, result.Error);
        Assert.Equal(pothole, (await Admin.CategoriesAsync()).Single(c => c.ServiceCode == "pothole"));
    }

    [Fact]
    public async Task A_category_can_be_switched_to_auto_assign_and_its_questions_edited_by_code()
    {
        var pothole = (await Admin.CategoriesAsync()).Single(c => c.ServiceCode == "pothole");

        var result = await Admin.SaveCategoryAsync(pothole with
        {
            AutoAssign = true, DefaultPriority = Priority.P1,
            Questions = "size | How large is it? | SingleChoice | required | small=Small;large=Large",
        }, _admin);

        Assert.True(result.Succeeded, result.Error);
        await using var db = _city.Db();
        var saved = await db.Categories.Include(c => c.Questions).SingleAsync(c => c.ServiceCode == "pothole");
        Assert.True(saved.AutoAssign);
        Assert.Equal(Priority.P1, saved.DefaultPriority);
        var q = Assert.Single(saved.Questions);
        Assert.Equal(("size", "How large is it?"), (q.Code, q.Prompt));
        Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == "admin.category.save" && e.EntityId == "pothole"));
    }

    [Fact]
    public async Task Agent_capacity_and_roles_are_checked_before_saving()
    {
        var agent = (await Admin.AgentsAsync()).First();
        Assert.Equal("Capacity must be between 1 and 200 open requests.", (await Admin.SaveAgentAsync(agent with { Capacity = 0 }, _admin)).Error);
        Assert.Equal("One of the zones does not exist.", (await Admin.SaveAgentAsync(agent with { ZoneIds = [999] }, _admin)).Error);
        Assert.Equal("You cannot remove your own administrator role.", (await Admin.SetRolesAsync(_admin.UserId!, [Roles.Agent], _admin)).Error);

        var citizen = await _city.ActorAsync(Roles.Citizen);
        Assert.True((await Admin.SetRolesAsync(citizen.UserId!, [Roles.Citizen, Roles.Dispatcher], _admin)).Succeeded);
        Assert.Equal([Roles.Citizen, Roles.Dispatcher], (await Admin.UsersAsync(citizen.Name)).Single().Roles);
    }
}
