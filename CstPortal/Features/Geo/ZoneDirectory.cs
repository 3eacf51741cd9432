using CstPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace CstPortal.Features.Geo;

public sealed record ZoneInfo(int Id, string Code, string Name, string BoundaryGeoJson);

/// <summary>
/// The city's zones, loaded once and kept in memory (they change rarely); admins' edits call Invalidate.
/// Point-in-zone lookups go through the cached <see cref="ZoneLocator"/>.
/// </summary>
public sealed class ZoneDirectory(IDbContextFactory<CstDbContext> dbFactory)
{
    private volatile Snapshot? _snapshot;

    private sealed record Snapshot(IReadOnlyList<ZoneInfo> Zones, ZoneLocator Locator);

    public async Task<int?> LocateAsync(double latitude, double longitude, CancellationToken ct = default) =>
        (await GetAsync(ct)).Locator.Locate(latitude, longitude);

    /// <summary>The point-in-zone lookup itself, for checking many points at once.</summary>
    public async Task<ZoneLocator> LocatorAsync(CancellationToken ct = default) => (await GetAsync(ct)).Locator;

    public async Task<IReadOnlyList<ZoneInfo>> ZonesAsync(CancellationToken ct = default) => (await GetAsync(ct)).Zones;

    public async Task<(double MinLat, double MinLng, double MaxLat, double MaxLng)> ExtentAsync(CancellationToken ct = default) =>
        (await GetAsync(ct)).Locator.Extent();

    public void Invalidate() => _snapshot = null;

    private async Task<Snapshot> GetAsync(CancellationToken ct)
    {
        if (_snapshot is { } s) return s;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var zones = await db.Zones.AsNoTracking().OrderBy(z => z.Id)
            .Select(z => new ZoneInfo(z.Id, z.Code, z.Name, z.BoundaryGeoJson)).ToListAsync(ct);
        s = new Snapshot(zones, new ZoneLocator(zones.Select(z => (z.Id, z.BoundaryGeoJson))));
        _snapshot = s;
        return s;
    }

    /// <summary>The zones as one GeoJSON FeatureCollection (for maps).</summary>
    public async Task<string> FeatureCollectionAsync(CancellationToken ct = default)
    {
        var zones = await ZonesAsync(ct);
        var features = zones.Select(z =>
            $$"""{"type":"Feature","properties":{"id":{{z.Id}},"code":{{System.Text.Json.JsonSerializer.Serialize(z.Code)}},"name":{{System.Text.Json.JsonSerializer.Serialize(z.Name)}}},"geometry":{{z.BoundaryGeoJson}}}""");
        return $$"""{"type":"FeatureCollection","features":[{{string.Join(",", features)}}]}""";
    }
}
