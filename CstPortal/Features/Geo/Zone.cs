namespace CstPortal.Features.Geo;

/// <summary>An area of the city; its boundary is a GeoJSON polygon in WGS84.</summary>
public class Zone
{
    public int Id { get; set; }
    public string Code { get; set; } = "";
    public string Name { get; set; } = "";
    /// <summary>GeoJSON Polygon or MultiPolygon geometry.</summary>
    public string BoundaryGeoJson { get; set; } = "";
}
