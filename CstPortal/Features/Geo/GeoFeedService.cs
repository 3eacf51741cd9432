using CstPortal.Data;
using CstPortal.Features.Analytics;
using CstPortal.Features.Requests;
using CstPortal.Features.Workflow;
using Microsoft.EntityFrameworkCore;

namespace CstPortal.Features.Geo;

/// <summary>One request on a map. Public fields only unless <see cref="Staff"/> is set.</summary>
public sealed record GeoPoint(string Number, double Latitude, double Longitude, string CategoryCode, string CategoryName,
    RequestStatus Status, DateTime CreatedAt, StaffGeoFields? Staff);

/// <summary>What staff also see on a map point.</summary>
public sealed record StaffGeoFields(Priority Priority, int ZoneId, DateTime? ResolutionDueAt, bool Overdue);

public sealed record GeoPage(IReadOnlyList<GeoPoint> Items, int Total, int Page, int PageSize);

/// <summary>A zone with its counts of open and overdue requests (for the filter given).</summary>
public sealed record ZoneCount(int ZoneId, string Code, string Name, int Open, int Overdue, string BoundaryGeoJson)
{
    public double OverdueShare => Open == 0 ? 0 : (double)Overdue / Open;
}

/// <summary>An aggregated heat cell: the mean position of its requests, how many, and their summed weight.</summary>
public sealed record HeatCell(double Latitude, double Longitude, int Count, double Weight);

public sealed record HeatGrid(int Zoom, double CellDegrees, IReadOnlyList<HeatCell> Cells, int Total, double MaxWeight);

public enum HeatWeight { Count, Priority, Age }

public sealed record NamedOption(int Id, string Code, string Name);

public sealed record MapFilterOptions(IReadOnlyList<NamedOption> Categories, IReadOnlyList<NamedOption> Zones, IReadOnlyList<NamedOption> Teams);

/// <summary>
/// Maps over the requests: points for a visible area, zones with counts, heat cells. Every figure is
/// a grouped query in the database; only what a map draws comes back.
/// </summary>
public sealed class GeoFeedService(IDbContextFactory<CstDbContext> dbFactory, TimeProvider clock, ZoneDirectory zones)
{
    public const int MaxPageSize = 5000;
    public const int MaxZoom = 20;

    public async Task<GeoPage> PointsAsync(AnalyticsFilter filter, BoundingBox? box, int page, int pageSize, bool staff, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        page = Math.Max(1, page);
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var q = await InBoxAsync(db, filter, box, now, ct);
        var rows = await q.OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id)
            .Skip((page - 1) * pageSize).Take(pageSize)
            .Select(r => new
            {
                r.Number, r.Latitude, r.Longitude, r.Category!.ServiceCode, CategoryName = r.Category.Name, r.Status, r.CreatedAt,
                r.Priority, r.ZoneId, r.ResolutionDueAt,
            })
            .ToListAsync(ct);
        // A first page that is not full holds every match: the count needs no second query (street-level maps, mostly).
        var total = page == 1 && rows.Count < pageSize ? rows.Count : await q.CountAsync(ct);
        var items = rows.Select(r => new GeoPoint(r.Number, r.Latitude, r.Longitude, r.ServiceCode, r.CategoryName, r.Status, r.CreatedAt,
            staff ? new StaffGeoFields(r.Priority, r.ZoneId, r.ResolutionDueAt, r.Status.IsOpen() && r.ResolutionDueAt < now) : null)).ToList();
        return new GeoPage(items, total, page, pageSize);
    }

    /// <summary>Every zone with its open and overdue counts (the filter's other parts apply; status is always open).</summary>
    public async Task<IReadOnlyList<ZoneCount>> ZoneCountsAsync(AnalyticsFilter filter, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var counts = await OpenCountsByZone(db, filter, clock.GetUtcNow().UtcDateTime).ToDictionaryAsync(x => x.ZoneId, ct);
        return (await zones.ZonesAsync(ct))
            .Where(z => filter.ZoneId is null || z.Id == filter.ZoneId)
            .Select(z => counts.TryGetValue(z.Id, out var c)
                ? new ZoneCount(z.Id, z.Code, z.Name, c.Open, c.Overdue, z.BoundaryGeoJson)
                : new ZoneCount(z.Id, z.Code, z.Name, 0, 0, z.BoundaryGeoJson))
            .ToList();
    }

    public sealed record ZoneOpenCount(int ZoneId, int Open, int Overdue);

    /// <summary>
    /// Open and overdue requests per zone. The statuses are constants, not parameters: the literal IN list matches the
    /// filter of the partial index IX_ServiceRequests_Open_Status_ZoneId_ResolutionDueAt, so SQLite reads only the open
    /// requests, from that small index alone (a test checks the plan).
    /// </summary>
    public static IQueryable<ZoneOpenCount> OpenCountsByZone(CstDbContext db, AnalyticsFilter filter, DateTime now)
    {
        var open = RequestStatusExtensions.OpenStatuses.ToList();
        return db.Requests.AsNoTracking().Apply(filter with { Statuses = null }, now)
            .Where(r => EF.Constant(open).Contains(r.Status))
            .GroupBy(r => r.ZoneId)
            .Select(g => new ZoneOpenCount(g.Key, g.Count(), g.Count(r => r.ResolutionDueAt != null && r.ResolutionDueAt < now)));
    }

    /// <summary>Size of a heat cell in degrees at a zoom: about 24 screen pixels.</summary>
    public static double CellDegrees(int zoom) => 360.0 / (256 * Math.Pow(2, Math.Clamp(zoom, 0, MaxZoom))) * 24;

    /// <summary>
    /// Requests in the box grouped into grid cells sized for the zoom. When a heat cell spans at least two cells of
    /// the fixed <see cref="GeoGrid"/>, the fine cells (sums, not means, so the merge is exact) merge into heat cells
    /// here, each by its centre. The fine cells come from the <see cref="OpenRequestCell"/> summary when the filter is
    /// one it holds (open requests, any or one category, count or priority weight), else from a query grouped by the
    /// stored, indexed grid key. Closer in, the database groups by position arithmetic over the few requests in view.
    /// </summary>
    public async Task<HeatGrid> HeatAsync(AnalyticsFilter filter, BoundingBox box, int zoom, HeatWeight weight, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        zoom = Math.Clamp(zoom, 0, MaxZoom);
        var cell = CellDegrees(zoom);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        List<HeatCell> cells;
        if (cell * GeoGrid.CellsPerDegree >= 2)
        {
            var fine = SummaryHolds(filter, weight)
                ? await FineCellsFromSummaryAsync(db, filter, box, weight, now, ct)
                : await FineCellsAsync(await InBoxAsync(db, filter, box, now, ct), weight, now, ct);
            cells = fine
                .GroupBy(f => { var (lat, lng) = GeoGrid.Centre(f.Cell); return (X: Math.Floor((lng + 180) / cell), Y: Math.Floor((lat + 90) / cell)); })
                .Select(g => { var n = g.Sum(f => f.Count); return new HeatCell(g.Sum(f => f.SumLat) / n, g.Sum(f => f.SumLng) / n, n, g.Sum(f => f.Weight)); })
                .ToList();
        }
        else
        {
            var (day1, day7, day30) = (now.AddDays(-1), now.AddDays(-7), now.AddDays(-30));
            var q = await InBoxAsync(db, filter, box, now, ct);
            var grouped = q.GroupBy(r => new { X = Math.Floor((r.Longitude + 180) / cell), Y = Math.Floor((r.Latitude + 90) / cell) });
            cells = weight switch
            {
                HeatWeight.Priority => await grouped.Select(g => new HeatCell(g.Average(r => r.Latitude), g.Average(r => r.Longitude), g.Count(),
                    g.Sum(r => r.Priority == Priority.P1 ? 4.0 : r.Priority == Priority.P2 ? 3.0 : r.Priority == Priority.P3 ? 2.0 : 1.0))).ToListAsync(ct),
                HeatWeight.Age => await grouped.Select(g => new HeatCell(g.Average(r => r.Latitude), g.Average(r => r.Longitude), g.Count(),
                    g.Sum(r => r.CreatedAt < day30 ? 4.0 : r.CreatedAt < day7 ? 3.0 : r.CreatedAt < day1 ? 2.0 : 1.0))).ToListAsync(ct),
                _ => await grouped.Select(g => new HeatCell(g.Average(r => r.Latitude), g.Average(r => r.Longitude), g.Count(), g.Count())).ToListAsync(ct),
            };
        }
        return new HeatGrid(zoom, cell, cells, cells.Sum(c => c.Count), cells.Count == 0 ? 0 : cells.Max(c => c.Weight));
    }

    /// <summary>
    /// True when <see cref="OpenRequestCell"/> holds the answer: exactly the open requests, of every category or one,
    /// weighted by count or priority (age changes with the clock; the other filters are not kept per cell).
    /// </summary>
    public static bool SummaryHolds(AnalyticsFilter f, HeatWeight weight) =>
        weight is HeatWeight.Count or HeatWeight.Priority
        && f is { From: null, To: null, ZoneId: null, TeamId: null, Priority: null, OverdueOnly: false, MinAgeDays: null or <= 0 }
        && f.Statuses is { } statuses && statuses.ToHashSet().SetEquals(RequestStatusExtensions.OpenStatuses);

    /// <summary>The requests of the box grouped by grid cell, with sums so cells merge exactly.</summary>
    private static async Task<List<FineCell>> FineCellsAsync(IQueryable<ServiceRequest> q, HeatWeight weight, DateTime now, CancellationToken ct)
    {
        var (day1, day7, day30) = (now.AddDays(-1), now.AddDays(-7), now.AddDays(-30));
        return weight switch
        {
            HeatWeight.Priority => await q.GroupBy(r => r.GridCell).Select(g => new FineCell(g.Key, g.Count(), g.Sum(r => r.Latitude), g.Sum(r => r.Longitude),
                g.Sum(r => r.Priority == Priority.P1 ? 4.0 : r.Priority == Priority.P2 ? 3.0 : r.Priority == Priority.P3 ? 2.0 : 1.0))).ToListAsync(ct),
            HeatWeight.Age => await q.GroupBy(r => r.GridCell).Select(g => new FineCell(g.Key, g.Count(), g.Sum(r => r.Latitude), g.Sum(r => r.Longitude),
                g.Sum(r => r.CreatedAt < day30 ? 4.0 : r.CreatedAt < day7 ? 3.0 : r.CreatedAt < day1 ? 2.0 : 1.0))).ToListAsync(ct),
            _ => await q.GroupBy(r => r.GridCell).Select(g => new FineCell(g.Key, g.Count(), g.Sum(r => r.Latitude), g.Sum(r => r.Longitude), g.Count())).ToListAsync(ct),
        };
    }

    /// <summary>
    /// The fine cells of the box from the summary. A cell wholly inside the box counts whole; a cell the box's edge
    /// cuts (first or last row or column) may hold requests just outside it, so those few cells are counted from the
    /// requests themselves with the exact position test. The answer equals <see cref="FineCellsAsync"/>'s.
    /// </summary>
    private static async Task<List<FineCell>> FineCellsFromSummaryAsync(CstDbContext db, AnalyticsFilter filter, BoundingBox box, HeatWeight weight,
        DateTime now, CancellationToken ct)
    {
        var category = filter.CategoryId ?? OpenRequestCell.AllCategories;
        var rows = await db.OpenRequestCells.AsNoTracking()
            .Where(c => c.CategoryId == category && c.Count > 0)
            .Where(GeoGrid.Covering<OpenRequestCell>(c => c.GridCell, box.MinLat, box.MinLng, box.MaxLat, box.MaxLng))
            .Select(c => new { c.GridCell, c.Count, c.SumLatitude, c.SumLongitude, c.PriorityWeight })
            .ToListAsync(ct);
        long r0 = GeoGrid.Row(box.MinLat), r1 = GeoGrid.Row(box.MaxLat), c0 = GeoGrid.Column(box.MinLng), c1 = GeoGrid.Column(box.MaxLng);
        // An edge that lies on a cell boundary cuts no cell: every position beyond it falls in the next row or column
        // (the cell functions are monotonic), so its row or column counts whole.
        bool cutSouth = GeoGrid.Row(Math.BitDecrement(box.MinLat)) == r0, cutNorth = GeoGrid.Row(Math.BitIncrement(box.MaxLat)) == r1;
        bool cutWest = GeoGrid.Column(Math.BitDecrement(box.MinLng)) == c0, cutEast = GeoGrid.Column(Math.BitIncrement(box.MaxLng)) == c1;
        var fine = new List<FineCell>(rows.Count);
        var edge = new List<long>();
        foreach (var r in rows)
        {
            long row = GeoGrid.RowOf(r.GridCell), column = GeoGrid.ColumnOf(r.GridCell);
            if (column < c0 || column > c1) continue; // a tall box's single key range also spans columns outside it
            if ((cutSouth && row == r0) || (cutNorth && row == r1) || (cutWest && column == c0) || (cutEast && column == c1)) edge.Add(r.GridCell);
            else fine.Add(new FineCell(r.GridCell, r.Count, r.SumLatitude, r.SumLongitude, weight == HeatWeight.Priority ? r.PriorityWeight : r.Count));
        }
        if (edge.Count > 0)
        {
            var (minLat, minLng, maxLat, maxLng) = (box.MinLat, box.MinLng, box.MaxLat, box.MaxLng);
            var exact = db.Requests.AsNoTracking().Apply(filter, now)
                .Where(r => edge.Contains(r.GridCell))
                .Where(r => r.Latitude >= minLat && r.Latitude <= maxLat && r.Longitude >= minLng && r.Longitude <= maxLng);
            fine.AddRange(await FineCellsAsync(exact, weight, now, ct));
        }
        return fine;
    }

    /// <summary>
    /// The filtered requests in the box. On PostgreSQL with PostGIS the GiST index narrows them to a circle around the box
    /// first; the exact Latitude/Longitude test applies on every provider, so the answer is the same.
    /// </summary>
    private static async Task<IQueryable<ServiceRequest>> InBoxAsync(CstDbContext db, AnalyticsFilter filter, BoundingBox? box, DateTime now, CancellationToken ct)
    {
        var q = db.Requests.AsNoTracking().Apply(filter, now).Within(box);
        if (box is { } b && await SpatialQueries.HasPostGisAsync(db, ct)
            && SpatialQueries.IdsAroundBox(db, b.MinLat, b.MinLng, b.MaxLat, b.MaxLng) is { } ids)
            q = q.Where(r => ids.Contains(r.Id));
        return q;
    }

    private sealed record FineCell(long Cell, int Count, double SumLat, double SumLng, double Weight);

    /// <summary>The middle of the city's zones, where maps open.</summary>
    public async Task<(double Lat, double Lng)> CentreAsync(CancellationToken ct = default)
    {
        var (minLat, minLng, maxLat, maxLng) = await zones.ExtentAsync(ct);
        return ((minLat + maxLat) / 2, (minLng + maxLng) / 2);
    }

    public async Task<MapFilterOptions> OptionsAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var categories = await db.Categories.AsNoTracking().OrderBy(c => c.Name).Select(c => new NamedOption(c.Id, c.ServiceCode, c.Name)).ToListAsync(ct);
        var teams = await db.Teams.AsNoTracking().OrderBy(t => t.Name).Select(t => new NamedOption(t.Id, t.Name, t.Name)).ToListAsync(ct);
        var zoneList = (await zones.ZonesAsync(ct)).Select(z => new NamedOption(z.Id, z.Code, z.Name)).ToList();
        return new MapFilterOptions(categories, zoneList, teams);
    }
}
