using System.Data.Common;
using CstPortal.Common;
using CstPortal.Data;
using CstPortal.Features.Analytics;
using CstPortal.Features.Duplicates;
using CstPortal.Features.Geo;
using CstPortal.Features.Requests;
using CstPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CstPortal.Tests.Data;

/// <summary>What only PostgreSQL has: its own migrations, PostGIS behind the spatial services, TRUNCATE refused.</summary>
public sealed class PostgresProviderTests : IAsyncLifetime, IOnPostgres
{
    private TestCity _city = default!;

    public async Task InitializeAsync()
    {
        _city = await TestCity.CreateAsync(this);
        var citizen = await _city.ActorAsync(Roles.Citizen);
        for (var i = 0; i < 3; i++) await _city.ReportPotholeAsync(citizen, $"Pothole by the bakery {i}");
    }

    public async Task DisposeAsync() => await _city.DisposeAsync();

    [Fact]
    public async Task The_city_runs_on_PostgreSQL_with_its_own_migrations_all_applied()
    {
        await using var db = _city.Db();

        Assert.IsType<PostgresCstDbContext>(db);
        Assert.True(db.Database.IsNpgsql());
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        var applied = (await db.Database.GetAppliedMigrationsAsync()).ToList();
        Assert.Contains(applied, m => m.EndsWith("_PostgresInitial", StringComparison.Ordinal));
        Assert.Contains(applied, m => m.EndsWith("_PostgresRawSql", StringComparison.Ordinal));
        Assert.DoesNotContain(applied, m => m.EndsWith("_Initial", StringComparison.Ordinal)); // none of SQLite's
    }

    [Fact]
    public async Task The_location_is_a_geography_point_computed_by_the_database_with_a_GiST_index()
    {
        await using var db = _city.Db();

        Assert.True(await SpatialQueries.HasPostGisAsync(db)); // scripts/install-test-deps.sh installs postgis
        var index = await db.Database.SqlQuery<string>($"""SELECT indexdef AS "Value" FROM pg_indexes WHERE indexname = 'IX_ServiceRequests_Location'""").SingleAsync();
        Assert.Contains("USING gist", index);
        var mismatched = await db.Database.SqlQuery<int>($"""
            SELECT count(*)::int AS "Value" FROM "ServiceRequests"
            WHERE abs(ST_Y("Location"::geometry) - "Latitude") > 1e-9 OR abs(ST_X("Location"::geometry) - "Longitude") > 1e-9
            """).SingleAsync();
        Assert.Equal(0, mismatched);
    }

    [Fact]
    public async Task Duplicates_and_map_points_are_the_same_with_PostGIS_and_with_plain_columns()
    {
        await using var plain = await TestCity.CreateAsync(DatabaseProvider.PostgreSQL);
        var citizen = await plain.ActorAsync(Roles.Citizen);
        for (var i = 0; i < 3; i++) await plain.ReportPotholeAsync(citizen, $"Pothole by the bakery {i}");
        await using (var db = plain.Db())
        {
            await db.Database.ExecuteSqlRawAsync("""ALTER TABLE "ServiceRequests" DROP COLUMN "Location" """); // as on a server without PostGIS
            Assert.False(await SpatialQueries.HasPostGisAsync(db));
        }

        var withPostGis = await SpatialAnswersAsync(_city);
        var withColumns = await SpatialAnswersAsync(plain);

        Assert.True(withPostGis.Duplicates.Count >= 3, "the three new potholes are duplicate candidates");
        Assert.True(withPostGis.Points.Count >= 3);
        Assert.Equal(withColumns.Duplicates, withPostGis.Duplicates);
        Assert.Equal(withColumns.Points, withPostGis.Points);
    }

    private static async Task<(List<string> Duplicates, List<string> Points)> SpatialAnswersAsync(TestCity city)
    {
        var (lat, lng) = Scenario.CityCentre;
        var pothole = (await city.Get<RequestService>().CategoriesAsync()).Single(c => c.Name == "Pothole");
        var duplicates = await city.Get<DuplicateFinder>().FindAsync(pothole.Id, lat, lng, "pothole");
        var box = new BoundingBox(lng - 0.02, lat - 0.02, lng + 0.02, lat + 0.02);
        var points = await city.Get<GeoFeedService>().PointsAsync(new AnalyticsFilter(), box, 1, GeoFeedService.MaxPageSize, staff: false);
        return (duplicates.Select(d => d.Candidate.Number).ToList(), points.Items.Select(p => p.Number).Order(StringComparer.Ordinal).ToList());
    }

    [Fact]
    public async Task The_audit_and_performance_logs_refuse_TRUNCATE()
    {
        await using var db = _city.Db();
        foreach (var table in PostgresSchemaSql.AppendOnlyTables)
        {
            var sql = $"""TRUNCATE "{table}" """;
            var refused = await Assert.ThrowsAnyAsync<DbException>(() => db.Database.ExecuteSqlRawAsync(sql));
            Assert.Contains("append-only", refused.Message);
        }
        Assert.True(await db.AuditEntries.AnyAsync());
    }
}
