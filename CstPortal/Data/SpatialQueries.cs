using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;

namespace CstPortal.Data;

/// <summary>
/// The PostGIS side of the spatial queries, behind the feature services that use it (DuplicateFinder, GeoFeedService):
/// on PostgreSQL with PostGIS, the ids of requests near a point or in a box come from the GiST-indexed geography column
/// (see <see cref="PostgresSchemaSql"/>); elsewhere the services filter the plain Latitude/Longitude columns. Each method
/// returns a composable query of ids, so EF turns it into a subquery of the service's own query.
/// </summary>
public static class SpatialQueries
{
    private static readonly ConcurrentDictionary<string, bool> PostGisByDatabase = new();

    /// <summary>True when this database is PostgreSQL and its ServiceRequests carry the PostGIS location column.</summary>
    public static async Task<bool> HasPostGisAsync(CstDbContext db, CancellationToken ct = default)
    {
        if (!db.Database.IsNpgsql()) return false;
        var key = db.Database.GetConnectionString() ?? "";
        if (PostGisByDatabase.TryGetValue(key, out var known)) return known;
        var has = await db.Database.SqlQuery<bool>($"""
            SELECT EXISTS (SELECT 1 FROM information_schema.columns
                           WHERE table_schema = current_schema() AND table_name = 'ServiceRequests' AND column_name = {PostgresSchemaSql.LocationColumn}) AS "Value"
            """).SingleAsync(ct);
        return PostGisByDatabase[key] = has;
    }

    /// <summary>Ids of requests within <paramref name="meters"/> of the point (ST_DWithin on geography: metres on the spheroid).</summary>
    public static IQueryable<int> IdsWithinMeters(CstDbContext db, double latitude, double longitude, double meters) =>
        db.Database.SqlQuery<int>($"""
            SELECT "Id" AS "Value" FROM "ServiceRequests"
            WHERE ST_DWithin("Location", ST_SetSRID(ST_MakePoint({longitude}, {latitude}), 4326)::geography, {meters})
            """);

    /// <summary>Boxes wider than this (a map zoomed out to a country) gain nothing from the index: callers use the plain columns.</summary>
    public const double MaxIndexedBoxRadiusMeters = 200_000;

    /// <summary>
    /// Ids of requests in a circle that covers the box (centre to the farthest corner, plus a margin for the spheroid),
    /// or null when the box is too big for the index to help. A superset: callers keep their exact Latitude/Longitude filter.
    /// </summary>
    public static IQueryable<int>? IdsAroundBox(CstDbContext db, double south, double west, double north, double east)
    {
        var (lat, lng) = ((south + north) / 2, (west + east) / 2);
        var radius = new[] { (south, west), (south, east), (north, west), (north, east) }
            .Max(corner => Features.Duplicates.DuplicateScoring.DistanceMeters(lat, lng, corner.Item1, corner.Item2));
        return radius > MaxIndexedBoxRadiusMeters ? null : IdsWithinMeters(db, lat, lng, radius * SpheroidMargin + 1);
    }

    /// <summary>The app measures on a sphere (haversine), PostGIS on the WGS84 spheroid: they differ by well under 1%.</summary>
    public const double SpheroidMargin = 1.01;
}
