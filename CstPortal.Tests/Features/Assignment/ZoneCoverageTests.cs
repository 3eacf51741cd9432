using CstPortal.Features.Admin;
using CstPortal.Features.Geo;

namespace CstPortal.Tests.Features.Assignment;

public class ZoneCoverageTests
{
    [Fact]
    public void Tiling_zones_have_no_problems()
    {
        var a = ZoneLocator.MakePolygon((0, 0), (0, 1), (1, 1), (1, 0));
        var b = ZoneLocator.MakePolygon((0, 1), (0, 2), (1, 2), (1, 1));
        Assert.Empty(ZoneCoverage.Problems([("A", a), ("B", b)]));
    }

    [Fact]
    public void Overlaps_gaps_and_separate_areas_are_reported()
    {
        var a = ZoneLocator.MakePolygon((0, 0), (0, 1.2), (1, 1.2), (1, 0));
        var b = ZoneLocator.MakePolygon((0, 1), (0, 2), (1, 2), (1, 1));
        Assert.Equal(["Zones A and B overlap."], ZoneCoverage.Problems([("A", a), ("B", b)]));

        // A ring of four zones around an uncovered middle.
        var ring = new (string, NetTopologySuite.Geometries.Geometry)[]
        {
            ("S", ZoneLocator.MakePolygon((0, 0), (0, 3), (1, 3), (1, 0))),
            ("N", ZoneLocator.MakePolygon((2, 0), (2, 3), (3, 3), (3, 0))),
            ("W", ZoneLocator.MakePolygon((1, 0), (1, 1), (2, 1), (2, 0))),
            ("E", ZoneLocator.MakePolygon((1, 2), (1, 3), (2, 3), (2, 2))),
        };
        Assert.Contains("There is a gap between zones: an area inside the city that no zone covers.", ZoneCoverage.Problems(ring));

        var far = ZoneLocator.MakePolygon((5, 5), (5, 6), (6, 6), (6, 5));
        Assert.Contains("The zones do not form one connected area: some are separated from the others.", ZoneCoverage.Problems([("A", b), ("Far", far)]));
    }
}
