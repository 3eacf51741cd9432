using CstPortal.Common;
using NetTopologySuite.Geometries;

namespace CstPortal.Features.Admin;

/// <summary>Checks how zones tile the city: overlaps between zones and gaps (holes) inside their union. Pure.</summary>
public static class ZoneCoverage
{
    /// <summary>Areas smaller than this (in square degrees, about 1 m²) are rounding noise, not problems.</summary>
    private const double Tolerance = 1e-10;

    public static IReadOnlyList<string> Problems(IReadOnlyList<(string Name, Geometry Shape)> zones)
    {
        var problems = new List<string>();
        for (var i = 0; i < zones.Count; i++)
            for (var j = i + 1; j < zones.Count; j++)
                if (zones[i].Shape.EnvelopeInternal.Intersects(zones[j].Shape.EnvelopeInternal)
                    && zones[i].Shape.Intersection(zones[j].Shape).Area > Tolerance)
                    problems.Add(Texts.Get("Zones {0} and {1} overlap.", zones[i].Name, zones[j].Name));
        if (zones.Count == 0) return problems;
        var union = NetTopologySuite.Operation.Union.CascadedPolygonUnion.Union(zones.Select(z => z.Shape).ToList());
        var holes = 0;
        for (var k = 0; k < union.NumGeometries; k++)
            if (union.GetGeometryN(k) is Polygon p)
                holes += p.Holes.Count(h => h.Factory.CreatePolygon(h.Coordinates).Area > Tolerance);
        if (holes > 0) problems.Add(holes == 1 ? Texts.Get("There is a gap between zones: an area inside the city that no zone covers.") : Texts.Get("There are {0} gaps between zones: areas inside the city that no zone covers.", holes));
        if (union.NumGeometries > 1) problems.Add(Texts.Get("The zones do not form one connected area: some are separated from the others."));
        return problems;
    }
}
