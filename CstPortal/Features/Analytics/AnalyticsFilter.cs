using CstPortal.Features.Requests;
using CstPortal.Features.Workflow;

namespace CstPortal.Features.Analytics;

/// <summary>
/// The filter shared by the map, the dashboard and the exports: a period (on creation time) and the
/// usual dimensions. All parts are optional; an empty filter means every request.
/// </summary>
public sealed record AnalyticsFilter
{
    public DateTime? From { get; init; }
    /// <summary>Exclusive upper bound.</summary>
    public DateTime? To { get; init; }
    public int? CategoryId { get; init; }
    public int? ZoneId { get; init; }
    public int? TeamId { get; init; }
    public Priority? Priority { get; init; }
    public IReadOnlyList<RequestStatus>? Statuses { get; init; }
    /// <summary>Open requests past their resolution due time only.</summary>
    public bool OverdueOnly { get; init; }
    /// <summary>Only requests at least this many days old.</summary>
    public int? MinAgeDays { get; init; }

    public static AnalyticsFilter OpenOnly => new() { Statuses = RequestStatusExtensions.OpenStatuses };
}

/// <summary>A rectangle in WGS84 degrees.</summary>
public readonly record struct BoundingBox(double MinLng, double MinLat, double MaxLng, double MaxLat)
{
    public bool IsValid =>
        double.IsFinite(MinLng) && double.IsFinite(MinLat) && double.IsFinite(MaxLng) && double.IsFinite(MaxLat)
        && MinLng is >= -180 and <= 180 && MaxLng is >= -180 and <= 180
        && MinLat is >= -90 and <= 90 && MaxLat is >= -90 and <= 90
        && MinLng <= MaxLng && MinLat <= MaxLat;
}

/// <summary>The filter as LINQ the database runs (provider-neutral: comparisons only).</summary>
public static class AnalyticsQueries
{
    public static IQueryable<ServiceRequest> Apply(this IQueryable<ServiceRequest> q, AnalyticsFilter f, DateTime now)
    {
        if (f.From is { } from) q = q.Where(r => r.CreatedAt >= from);
        if (f.To is { } to) q = q.Where(r => r.CreatedAt < to);
        if (f.CategoryId is { } c) q = q.Where(r => r.CategoryId == c);
        if (f.ZoneId is { } z) q = q.Where(r => r.ZoneId == z);
        if (f.TeamId is { } t) q = q.Where(r => r.AssignedTeamId == t);
        if (f.Priority is { } p) q = q.Where(r => r.Priority == p);
        if (f.Statuses is { Count: > 0 } statuses)
        {
            var list = statuses.ToList();
            q = q.Where(r => list.Contains(r.Status));
        }
        if (f.OverdueOnly)
        {
            var open = RequestStatusExtensions.OpenStatuses.ToList();
            q = q.Where(r => open.Contains(r.Status) && r.ResolutionDueAt != null && r.ResolutionDueAt < now);
        }
        if (f.MinAgeDays is { } days and > 0)
        {
            var before = now.AddDays(-days);
            q = q.Where(r => r.CreatedAt <= before);
        }
        return q;
    }

    public static IQueryable<ServiceRequest> Within(this IQueryable<ServiceRequest> q, BoundingBox? box)
    {
        if (box is not { } b) return q;
        // The grid-cell ranges find the box through an index; the exact test below trims the edges.
        return q.Where(Geo.GeoGrid.Covering(b.MinLat, b.MinLng, b.MaxLat, b.MaxLng)).Where(r => r.Latitude >= b.MinLat && r.Latitude <= b.MaxLat && r.Longitude >= b.MinLng && r.Longitude <= b.MaxLng);
    }
}
