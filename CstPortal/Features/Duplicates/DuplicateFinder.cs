using CstPortal.Data;
using CstPortal.Features.Geo;
using CstPortal.Features.Workflow;
using Microsoft.EntityFrameworkCore;

namespace CstPortal.Features.Duplicates;

/// <summary>
/// Finds open requests that may be the same problem: a bounding-box query that seeks the (category, grid cell, status,
/// created) index cell by cell (or, on PostgreSQL with PostGIS, a distance query on the GiST-indexed geography column),
/// then the pure scoring.
/// </summary>
public sealed class DuplicateFinder(IDbContextFactory<CstDbContext> dbFactory, TimeProvider clock)
{
    /// <summary>A radius whose box spans more grid cells than this (over about 1 km) searches by position alone.</summary>
    private const int MaxCells = 256;

    public async Task<IReadOnlyList<DuplicateScoring.Match>> FindAsync(int categoryId, double latitude, double longitude,
        string? description, string? excludeNumber = null, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var radius = await db.Categories.Where(c => c.Id == categoryId).Select(c => (int?)c.DuplicateRadiusMeters).SingleOrDefaultAsync(ct);
        if (radius is null) return [];

        // Degrees that cover the radius: latitude is uniform; longitude shrinks towards the poles.
        var dLat = radius.Value / 111_320.0;
        var dLng = radius.Value / (111_320.0 * Math.Max(0.01, Math.Cos(latitude * Math.PI / 180)));
        var since = now - DuplicateScoring.MaxAge;
        var open = RequestStatusExtensions.OpenStatuses;
        var nearby = db.Requests.AsNoTracking();
        if (await SpatialQueries.HasPostGisAsync(db, ct))
        {
            // PostgreSQL with PostGIS: the GiST index on the geography column finds the circle; the scoring measures exactly.
            var ids = SpatialQueries.IdsWithinMeters(db, latitude, longitude, radius.Value * SpatialQueries.SpheroidMargin + 1);
            nearby = nearby.Where(r => ids.Contains(r.Id));
        }
        else
        {
            // The box's few grid cells, so the index narrows to this category's open requests of these cells; without
            // them the database would read every request of the category from the last month.
            if (GeoGrid.CellsIn(latitude - dLat, longitude - dLng, latitude + dLat, longitude + dLng, MaxCells) is { } cells)
                nearby = nearby.Where(r => cells.Contains(r.GridCell));
            nearby = nearby.Where(r => r.Latitude >= latitude - dLat && r.Latitude <= latitude + dLat
                                       && r.Longitude >= longitude - dLng && r.Longitude <= longitude + dLng);
        }
        var candidates = await nearby
            .Where(r => r.CategoryId == categoryId && open.Contains(r.Status) && r.CreatedAt >= since && r.Number != excludeNumber)
            .Select(r => new DuplicateScoring.Candidate(r.Number, r.CategoryId, r.Latitude, r.Longitude, r.Description, r.CreatedAt))
            .Take(500)
            .ToListAsync(ct);
        return DuplicateScoring.Rank(new DuplicateScoring.Probe(categoryId, latitude, longitude, description ?? "", radius.Value), candidates, now);
    }
}
