using CstPortal.Features.Addresses;

namespace CstPortal.Tests.Features.Addresses;

public class AddressCsvTests
{
    // The city of these tests: latitudes 40 to 41.
    private static (IReadOnlyList<AddressRow> Rows, IReadOnlyList<string> Problems) Read(string csv) =>
        AddressCsv.Read(new StringReader(csv), (lat, _) => lat is >= 40 and <= 41);

    [Fact]
    public void A_register_file_is_read_with_its_line_numbers_in_any_column_order()
    {
        var (rows, problems) = Read("latitude,address,longitude\n40.01,\"12 Elm Avenue, Riverton\",-83.02\n\n40.02,3 Dock Lane,-83.03\n");

        Assert.Empty(problems);
        Assert.Equal([new AddressRow(2, "12 Elm Avenue, Riverton", 40.01, -83.02), new AddressRow(4, "3 Dock Lane", 40.02, -83.03)], rows);
    }

    [Fact]
    public void Short_column_names_are_understood()
    {
        var (rows, problems) = Read("Address,Lat,Lng\n1 Elm Avenue,40.01,-83.02\n");

        Assert.Empty(problems);
        Assert.Single(rows);
    }

    [Fact]
    public void Every_bad_line_is_named_and_no_row_is_kept()
    {
        var (rows, problems) = Read("""
            address,latitude,longitude
            1 Elm Avenue,40.01,-83.02
            ,40.01,-83.02
            2 Elm Avenue,north,-83.02
            3 Elm Avenue,40.01,-200
            1 ELM AVE.,40.03,-83.04
            4 Elm Avenue,40,01,-83.02
            5 Elm Avenue,39.9,-83.02
            """);

        Assert.Empty(rows);
        Assert.Equal([
            "Line 3: the address is empty.",
            "Line 4: the latitude must be a number from -90 to 90.",
            "Line 5: the longitude must be a number from -180 to 180.",
            "Line 6 repeats the address on line 2.",
            "Line 7 has 4 fields; the first line names 3.",
            "Line 8: the point is outside every zone of the city.",
        ], problems);
    }

    [Theory]
    [InlineData("street,lat,lon\n1 Elm Avenue,40.01,-83.02\n", "The first line must name the columns address, latitude and longitude.")]
    [InlineData("address,latitude,longitude\n", "The file has no addresses.")]
    [InlineData("", "The first line must name the columns address, latitude and longitude.")]
    public void A_file_without_the_columns_or_without_addresses_is_refused(string csv, string message)
    {
        var (rows, problems) = Read(csv);

        Assert.Empty(rows);
        Assert.Equal([message], problems);
    }
}
