using CstPortal.Features.Geo;

namespace CstPortal.Tests.Features.Geo;

public class GeoGridTests
{
    [Fact]
    public void Every_point_in_a_box_lies_in_one_of_the_boxes_cell_ranges_and_far_points_do_not()
    {
        var rng = new Random(5);
        foreach (var (minLat, minLng, size) in new[] { (40.0385, -83.002, 0.003), (40.0, -83.06, 0.08), (-33.9, 151.2, 0.5), (51.47, -0.01, 0.02) })
        {
            var covering = GeoGrid.Covering(minLat, minLng, minLat + size, minLng + size * 1.3).Compile();
            for (var i = 0; i < 500; i++)
            {
                var lat = minLat + rng.NextDouble() * size;
                var lng = minLng + rng.NextDouble() * size * 1.3;
                Assert.True(covering(Probe(lat, lng)), $"{lat},{lng} is inside the box");
            }
            Assert.False(covering(Probe(minLat - 0.01, minLng)));
            // A box of few rows is one range per row, so a point beside it is out; a tall box is one wide range (a superset).
            var rows = GeoGrid.Row(minLat + size) - GeoGrid.Row(minLat) + 1;
            Assert.Equal(rows > GeoGrid.MaxRanges, covering(Probe(minLat + size / 2, minLng + size * 1.3 + 0.01)));
        }
    }

    [Fact]
    public void A_cell_holds_its_centre_and_neighbouring_cells_differ()
    {
        var cell = GeoGrid.Cell(40.04, -83.0);
        var (lat, lng) = GeoGrid.Centre(cell);
        Assert.Equal(cell, GeoGrid.Cell(lat, lng));
        Assert.NotEqual(cell, GeoGrid.Cell(40.04 + 1.0 / GeoGrid.CellsPerDegree, -83.0));
        Assert.NotEqual(cell, GeoGrid.Cell(40.04, -83.0 + 1.0 / GeoGrid.CellsPerDegree));
        Assert.InRange(GeoGrid.Cell(90, 180), 0, long.MaxValue);
        Assert.Equal(0, GeoGrid.Cell(-90, -180));
    }

    private static CstPortal.Features.Requests.ServiceRequest Probe(double lat, double lng) =>
        CstPortal.Features.Requests.ServiceRequest.Submit(new CstPortal.Features.Requests.NewRequest(1, CstPortal.Features.Requests.Priority.P3, "probe", lat, lng,
            null, 1, null, null, null, new Dictionary<string, string>()), DateTime.UnixEpoch);
}
