using System.Globalization;
using CstPortal.Common;
using CsvHelper;

namespace CstPortal.Features.Addresses;

/// <summary>One address read from a register file, with the line it came from (for messages).</summary>
public sealed record AddressRow(int Line, string Text, double Latitude, double Longitude);

/// <summary>
/// Reads an address-register CSV file: a header naming the columns <c>address</c>, <c>latitude</c> and <c>longitude</c>
/// (also <c>lat</c>, <c>lon</c>/<c>lng</c>), then one address per line, coordinates in WGS 84 decimal degrees with a
/// dot, inside the city. Every problem is reported with its line; a file with any problem is refused as a whole. Pure.
/// </summary>
public static class AddressCsv
{
    public const int MaxRows = 1_000_000;
    public const int MaxProblemsShown = 10;

    /// <param name="inCity">Whether a point lies in the city (in one of its zones); a point outside is a problem of its line.</param>
    public static (IReadOnlyList<AddressRow> Rows, IReadOnlyList<string> Problems) Read(TextReader reader, Func<double, double, bool> inCity)
    {
        var rows = new List<AddressRow>();
        var problems = new List<string>();
        var firstLineOf = new Dictionary<string, int>();
        try
        {
            using var csv = CsvReader.Create(reader, CsvReaderOptions.Default with { TrackLineNumbers = true, TrimWhitespace = true }, leaveOpen: true);
            var text = Column(csv, "address", "text");
            var lat = Column(csv, "latitude", "lat");
            var lng = Column(csv, "longitude", "lon", "lng", "long");
            if (text < 0 || lat < 0 || lng < 0)
                return ([], [Texts.Get("The first line must name the columns address, latitude and longitude.")]);
            while (csv.Read())
            {
                var line = (int)csv.LineNumber;
                if (rows.Count >= MaxRows) return ([], [Texts.Get("The file has more than {0:N0} addresses.", MaxRows)]);
                var (row, problem) = csv.FieldCount == csv.Headers.Count
                    ? Row(line, Field(csv, text), Field(csv, lat), Field(csv, lng))
                    : (null, Texts.Get("Line {0} has {1} fields; the first line names {2}.", line, csv.FieldCount, csv.Headers.Count));
                if (row is not null)
                {
                    var key = AddressText.Key(row.Text);
                    if (!firstLineOf.TryAdd(key, line)) (row, problem) = (null, Texts.Get("Line {0} repeats the address on line {1}.", line, firstLineOf[key]));
                    else if (!inCity(row.Latitude, row.Longitude)) (row, problem) = (null, Texts.Get("Line {0}: the point is outside every zone of the city.", line));
                }
                if (row is not null) rows.Add(row);
                else problems.Add(problem!);
            }
        }
        catch (CsvFormatException ex)
        {
            return ([], [Texts.Get("The file is not a readable CSV file: {0}", ex.Message)]);
        }
        if (problems.Count == 0 && rows.Count == 0) problems.Add(Texts.Get("The file has no addresses."));
        return problems.Count > 0 ? ([], problems) : (rows, []);
    }

    private static (AddressRow? Row, string? Problem) Row(int line, string text, string lat, string lng)
    {
        if (text.Length == 0) return (null, Texts.Get("Line {0}: the address is empty.", line));
        if (text.Length > AddressPoint.MaxText) return (null, Texts.Get("Line {0}: the address is longer than {1} characters.", line, AddressPoint.MaxText));
        if (AddressText.Key(text).Length == 0) return (null, Texts.Get("Line {0}: the address has no letters or digits.", line));
        if (!double.TryParse(lat, NumberStyles.Float, CultureInfo.InvariantCulture, out var la) || !double.IsFinite(la) || la is < -90 or > 90)
            return (null, Texts.Get("Line {0}: the latitude must be a number from -90 to 90.", line));
        if (!double.TryParse(lng, NumberStyles.Float, CultureInfo.InvariantCulture, out var lo) || !double.IsFinite(lo) || lo is < -180 or > 180)
            return (null, Texts.Get("Line {0}: the longitude must be a number from -180 to 180.", line));
        return (new AddressRow(line, text, la, lo), null);
    }

    private static int Column(CsvReader csv, params string[] names)
    {
        foreach (var name in names)
            for (var i = 0; i < csv.Headers.Count; i++)
                if (string.Equals(csv.Headers[i]?.Trim(), name, StringComparison.OrdinalIgnoreCase)) return i;
        return -1;
    }

    private static string Field(CsvReader csv, int index) => csv.GetString(index).Trim();
}
