using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;
using NetTopologySuite.IO.Converters;
using System.Text.Json;

namespace CstPortal.Features.Geo;

/// <summary>
/// Finds the zone that contains a point. Pure: built from zone boundaries, no database.
/// Uses an STR-tree of envelopes, then an exact point-in-polygon test.
/// </summary>
public sealed class ZoneLocator
{
    private static readonly GeometryFactory Factory = new(new PrecisionModel(), 4326);
    private readonly STRtree<(int Id, Geometry Shape)> _index = new();
    private readonly List<(int Id, Geometry Shape)> _zones = [];

    public ZoneLocator(IEnumerable<(int Id, string BoundaryGeoJson)> zones)
    {
        foreach (var (id, json) in zones)
        {
            var shape = ParseGeometry(json);
            _zones.Add((id, shape));
            _index.Insert(shape.EnvelopeInternal, (id, shape));
        }
        _index.Build();
    }

    public int Count => _zones.Count;

    /// <summary>The zone containing the point, or null when it is outside every zone.</summary>
    public int? Locate(double latitude, double longitude)
    {
        if (_zones.Count == 0) return null;
        var point = Factory.CreatePoint(new Coordinate(longitude, latitude));
        foreach (var (id, shape) in _index.Query(point.EnvelopeInternal).OrderBy(z => z.Id))
            if (shape.Covers(point)) return id;
        return null;
    }

    /// <summary>The envelope of all zones: the city's extent (min lat, min lng, max lat, max lng).</summary>
    public (double MinLat, double MinLng, double MaxLat, double MaxLng) Extent()
    {
        var env = new Envelope();
        foreach (var (_, shape) in _zones) env.ExpandToInclude(shape.EnvelopeInternal);
        return (env.MinY, env.MinX, env.MaxY, env.MaxX);
    }

    private static readonly JsonSerializerOptions GeoJsonOptions = new() { Converters = { new GeoJsonConverterFactory(Factory) } };

    public static Geometry ParseGeometry(string geoJson)
    {
        var geometry = JsonSerializer.Deserialize<Geometry>(geoJson, GeoJsonOptions)
            ?? throw new FormatException("The boundary is not GeoJSON.");
        if (geometry is not (Polygon or MultiPolygon)) throw new FormatException("A zone boundary must be a Polygon or MultiPolygon.");
        if (!geometry.IsValid) throw new FormatException("The zone boundary is not a valid polygon (it crosses itself or is not closed).");
        return geometry;
    }

    public static string ToGeoJson(Geometry geometry) => JsonSerializer.Serialize(geometry, GeoJsonOptions);

    public static Polygon MakePolygon(params (double Lat, double Lng)[] ring)
    {
        var coords = ring.Select(p => new Coordinate(p.Lng, p.Lat)).ToList();
        if (!coords[0].Equals2D(coords[^1])) coords.Add(coords[0].Copy());
        return Factory.CreatePolygon(coords.ToArray());
    }
}
