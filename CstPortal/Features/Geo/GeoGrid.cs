using System.Linq.Expressions;
using CstPortal.Features.Requests;

namespace CstPortal.Features.Geo;

/// <summary>
/// A fixed grid over the globe, 1/1024 degree a side (about 110 m × 85 m here), that gives every request an integer
/// cell key at write time (<see cref="ServiceRequest.GridCell"/>). Indexed, it lets the database find the points of a
/// box by a few key ranges and group the heat feed by an indexed column instead of by arithmetic on every row.
/// Row-major: one row of the grid is one contiguous key range. Pure.
/// </summary>
public static class GeoGrid
{
    public const int CellsPerDegree = 1024;
    private const int ColumnBits = 19; // 360 × 1024 columns need 19 bits

    public static long Row(double latitude) => (long)Math.Floor((Math.Clamp(latitude, -90, 90) + 90) * CellsPerDegree);
    public static long Column(double longitude) => (long)Math.Floor((Math.Clamp(longitude, -180, 180) + 180) * CellsPerDegree);
    public static long Cell(double latitude, double longitude) => (Row(latitude) << ColumnBits) | Column(longitude);
    public static long RowOf(long cell) => cell >> ColumnBits;
    public static long ColumnOf(long cell) => cell & ((1L << ColumnBits) - 1);

    /// <summary>The centre of a cell, in degrees.</summary>
    public static (double Latitude, double Longitude) Centre(long cell) =>
        ((RowOf(cell) + 0.5) / CellsPerDegree - 90, (ColumnOf(cell) + 0.5) / CellsPerDegree - 180);

    /// <summary>At most this many rows become separate key ranges; a taller box is one range from its first to its last cell.</summary>
    public const int MaxRanges = 48;

    /// <summary>
    /// A predicate on <see cref="ServiceRequest.GridCell"/> that holds for every request inside the box (and some
    /// just outside it): one key range per grid row. Callers keep the exact latitude/longitude test.
    /// </summary>
    public static Expression<Func<ServiceRequest, bool>> Covering(double minLat, double minLng, double maxLat, double maxLng) =>
        Covering<ServiceRequest>(r => r.GridCell, minLat, minLng, maxLat, maxLng);

    /// <summary>The same predicate over any row that carries a grid cell key (e.g. <see cref="OpenRequestCell"/>).</summary>
    public static Expression<Func<T, bool>> Covering<T>(Expression<Func<T, long>> cellOf, double minLat, double minLng, double maxLat, double maxLng)
    {
        long r0 = Row(minLat), r1 = Row(maxLat), c0 = Column(minLng), c1 = Column(maxLng);
        var cell = cellOf.Body;
        Expression Range(long from, long to)
        {
            // Captured values, so EF sends parameters and reuses the plan.
            var bounds = new Bounds(from, to);
            var holder = Expression.Constant(bounds);
            return Expression.AndAlso(
                Expression.GreaterThanOrEqual(cell, Expression.Property(holder, nameof(Bounds.From))),
                Expression.LessThanOrEqual(cell, Expression.Property(holder, nameof(Bounds.To))));
        }
        Expression body = r1 - r0 + 1 > MaxRanges
            ? Range((r0 << ColumnBits) | c0, (r1 << ColumnBits) | c1)
            : Enumerable.Range(0, (int)(r1 - r0 + 1)).Select(i => Range(((r0 + i) << ColumnBits) | c0, ((r0 + i) << ColumnBits) | c1)).Aggregate(Expression.OrElse);
        return Expression.Lambda<Func<T, bool>>(body, cellOf.Parameters);
    }

    /// <summary>
    /// Every cell key of a small box (each row's columns), for an equality lookup on an index that starts with other
    /// columns (e.g. category, cell, status); null when the box has more than <paramref name="max"/> cells.
    /// </summary>
    public static List<long>? CellsIn(double minLat, double minLng, double maxLat, double maxLng, int max)
    {
        long r0 = Row(minLat), r1 = Row(maxLat), c0 = Column(minLng), c1 = Column(maxLng);
        if ((r1 - r0 + 1) * (c1 - c0 + 1) > max) return null;
        var cells = new List<long>();
        for (var row = r0; row <= r1; row++)
            for (var column = c0; column <= c1; column++)
                cells.Add((row << ColumnBits) | column);
        return cells;
    }

    private sealed record Bounds(long From, long To);
}
