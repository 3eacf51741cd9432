using CstPortal.Common;
using CstPortal.Data;
using CstPortal.Data.DemoCity;
using CstPortal.Features.Geo;
using CstPortal.Features.Sla;
using CstPortal.Features.Workflow;
using CstPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CstPortal.Tests.Data;

public class DemoCityTests : IAsyncLifetime
{
    private TestCity _city = default!;

    public async Task InitializeAsync() => _city = await TestCity.CreateAsync();
    public async Task DisposeAsync() => await _city.DisposeAsync();

    [Fact]
    public async Task The_demo_city_has_zones_categories_in_groups_crews_and_policies()
    {
        await using var db = _city.Db();
        Assert.True(await db.Zones.CountAsync() >= 6);
        Assert.True(await db.Categories.CountAsync() >= 12);
        var groups = await db.Categories.Select(c => c.Group).Distinct().ToListAsync();
        Assert.Superset(new HashSet<string> { "Roads", "Lighting", "Waste", "Water", "Parks" }, groups.ToHashSet());
        Assert.True(await db.CategoryQuestions.AnyAsync(q => q.Type == CstPortal.Features.Requests.QuestionType.MultipleChoice));
        Assert.True(await db.Agents.CountAsync(a => a.IsActive) >= 10);
        Assert.Equal(await db.Categories.CountAsync() * 4, await db.SlaPolicies.CountAsync());
    }

    [Fact]
    public async Task Every_demo_role_has_a_confirmed_user_who_can_sign_in_with_the_documented_password()
    {
        await using var scope = _city.Scope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        foreach (var demo in DemoCityPlan.Users)
        {
            var user = await users.FindByEmailAsync(demo.Email);
            Assert.NotNull(user);
            Assert.True(user.EmailConfirmed);
            Assert.True(await users.CheckPasswordAsync(user, DemoCityPlan.DemoPassword), demo.Email);
            Assert.Equal([demo.Role], await users.GetRolesAsync(user));
        }
    }

    [Fact]
    public async Task Historical_requests_cover_every_state_with_believable_timelines()
    {
        await using var db = _city.Db();
        var states = await db.Requests.GroupBy(r => r.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync();
        Assert.Equal(Enum.GetValues<RequestStatus>().Order(), states.Select(s => s.Key).Order());
        Assert.Equal(TestCity.TemplateRequestCount, states.Sum(s => s.Count));

        var requests = await db.Requests.AsNoTracking().Include(r => r.History).ToListAsync();
        foreach (var r in requests)
        {
            var history = r.History.OrderBy(h => h.At).ThenBy(h => h.Id).ToList();
            Assert.Equal(RequestStatus.New, history[0].To);
            Assert.Equal(r.Status, history[^1].To);
            Assert.All(history.Zip(history.Skip(1)), p => Assert.Equal(p.First.To, p.Second.From));
            Assert.True(history[^1].At <= TestCity.Now.UtcDateTime);
            if (r.Status == RequestStatus.Resolved) Assert.NotNull(r.ResolutionNote);
        }
        Assert.True(await db.Ratings.AnyAsync());
        Assert.True(await db.Comments.AnyAsync());
        Assert.True(await db.Milestones.AnyAsync(m => m.Kind == CstPortal.Features.Requests.MilestoneKind.Arrived));
    }

    [Fact]
    public async Task Every_historical_request_answers_its_category_s_required_questions()
    {
        await using var db = _city.Db();
        var required = await db.CategoryQuestions.Where(q => q.Required).Select(q => new { q.CategoryId, q.Code }).ToListAsync();
        Assert.NotEmpty(required);
        var requests = await db.Requests.AsNoTracking().Include(r => r.Answers).OrderBy(r => r.Id).Take(200).ToListAsync();

        Assert.All(requests, r => Assert.All(required.Where(q => q.CategoryId == r.CategoryId),
            q => Assert.Contains(r.Answers, a => a.QuestionCode == q.Code && a.Value != "")));
        Assert.Contains(requests, r => r.Answers.Count > 0);
    }

    [Fact]
    public async Task Every_request_lies_in_the_zone_it_names()
    {
        await using var db = _city.Db();
        var zones = await db.Zones.Select(z => new { z.Id, z.BoundaryGeoJson }).ToListAsync();
        var locator = new ZoneLocator(zones.Select(z => (z.Id, z.BoundaryGeoJson)));
        var requests = await db.Requests.Select(r => new { r.Latitude, r.Longitude, r.ZoneId }).ToListAsync();
        Assert.All(requests, r => Assert.Equal(r.ZoneId, locator.Locate(r.Latitude, r.Longitude)));
    }

    [Fact]
    public void The_zones_tile_the_city_every_point_inside_belongs_to_exactly_one_zone()
    {
        var shapes = Enumerable.Range(0, 6).Select(i => ZoneLocator.MakePolygon(
            DemoCityPlan.Corner(i / 3, i % 3), DemoCityPlan.Corner(i / 3, i % 3 + 1),
            DemoCityPlan.Corner(i / 3 + 1, i % 3 + 1), DemoCityPlan.Corner(i / 3 + 1, i % 3))).ToList();
        var factory = new NetTopologySuite.Geometries.GeometryFactory();
        for (var lat = 40.0005; lat < 40.08; lat += 0.0021)
            for (var lng = -83.0595; lng < -82.94; lng += 0.0023)
            {
                var p = factory.CreatePoint(new NetTopologySuite.Geometries.Coordinate(lng, lat));
                Assert.Equal(1, shapes.Count(s => s.Contains(p)));
            }
    }

    [Fact]
    public async Task The_same_seed_makes_the_same_city()
    {
        var dir = TestCity.NewTempDirectory();
        try
        {
            await using (var services = TestCity.BuildServices(dir, new FakeTimeProvider(TestCity.Now)))
                await DatabaseSetup.InitializeAsync(services);
            await using var again = TestCity.BuildServices(dir, new FakeTimeProvider(TestCity.Now));
            await using var other = await again.GetRequiredService<IDbContextFactory<CstDbContext>>().CreateDbContextAsync();
            await using var original = _city.Db();

            var a = await original.Requests.OrderBy(r => r.Id).Select(r => new { r.Number, r.Status, r.CategoryId, r.Latitude, r.CreatedAt }).ToListAsync();
            var b = await other.Requests.OrderBy(r => r.Id).Select(r => new { r.Number, r.Status, r.CategoryId, r.Latitude, r.CreatedAt }).ToListAsync();
            Assert.Equal(a, b);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public async Task A_three_year_history_keeps_a_tenth_open_as_a_backlog_whose_past_escalations_are_recorded()
    {
        var dir = TestCity.NewTempDirectory();
        try
        {
            await using var services = TestCity.BuildServices(dir, new FakeTimeProvider(TestCity.Now));
            await using (var db = await services.GetRequiredService<IDbContextFactory<CstDbContext>>().CreateDbContextAsync())
                await db.Database.MigrateAsync();
            await using (var scope = services.CreateAsyncScope())
                Assert.True(await scope.ServiceProvider.GetRequiredService<DemoCitySeeder>().SeedAsync(3000, 7, historyDays: 1096, openShare: 0.10));

            await using var check = await services.GetRequiredService<IDbContextFactory<CstDbContext>>().CreateDbContextAsync();
            var open = RequestStatusExtensions.OpenStatuses.ToList();
            var openCount = await check.Requests.CountAsync(r => open.Contains(r.Status));
            Assert.InRange(openCount, 240, 420); // 10% stalled, plus the few of the last days still in progress
            var oldest = await check.Requests.MinAsync(r => r.CreatedAt);
            Assert.InRange((TestCity.Now.UtcDateTime - oldest).TotalDays, 1090, 1096);
            foreach (var status in open) Assert.True(await check.Requests.AnyAsync(r => r.Status == status), $"no {status} request");
            // An overdue backlog request starts with its breach on record, so the first sweep does not fire the whole past at once.
            var overdue = await check.Requests.Where(r => open.Contains(r.Status) && r.ResolutionDueAt < TestCity.Now.UtcDateTime.AddDays(-30)).Select(r => r.Id).FirstAsync();
            Assert.True(await check.SlaEscalations.AnyAsync(e => e.ServiceRequestId == overdue && e.Target == SlaTarget.Resolution && e.Level == SlaEscalation.BreachLevel));
            // Written by the bulk loader: the grid cell is the one the app computes, and the indexes are back.
            var sample = await check.Requests.OrderBy(r => r.Id).Take(50).Select(r => new { r.Latitude, r.Longitude, r.GridCell }).ToListAsync();
            Assert.All(sample, r => Assert.Equal(GeoGrid.Cell(r.Latitude, r.Longitude), r.GridCell));
            var indexes = await check.Database.SqlQueryRaw<string>("SELECT name AS Value FROM sqlite_master WHERE type = 'index' AND tbl_name = 'ServiceRequests'").ToListAsync();
            Assert.Contains("IX_ServiceRequests_Number", indexes);
            Assert.Contains("IX_ServiceRequests_Status_GridCell_Latitude_Longitude", indexes);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(dir, true);
        }
    }
}
