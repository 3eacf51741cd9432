using System.Runtime.CompilerServices;
using CstPortal.Data;
using CstPortal.Features.Sla;
using ClosedXML.Excel;
using CsvHelper;
using Microsoft.EntityFrameworkCore;

namespace CstPortal.Features.Analytics;

/// <summary>
/// Exports of the dashboard's filter. Rows stream from the database straight into the writer: one row
/// in memory at a time for CSV, so a 100,000-row export costs what one row costs.
/// </summary>
public sealed class ExportService(IDbContextFactory<CstDbContext> dbFactory, TimeProvider clock, KpiService kpis)
{
    public const string CsvContentType = "text/csv; charset=utf-8";
    public const string XlsxContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    /// <summary>UTF-8 with a byte order mark (so Excel reads accents right); formula-like text is escaped.</summary>
    public static readonly CsvWriterOptions CsvOptions = CsvWriterOptions.Default with
    {
        WriteByteOrderMark = true,
        Injection = CsvInjection.Escape,
        HasHeader = false, // written by us, in the reader's language
    };

    /// <summary>
    /// The filter's requests, oldest first, read one by one (one DbContext for the whole stream), in the reader's language:
    /// category names as translated by admins, statuses and SLA states from the resources.
    /// </summary>
    public async IAsyncEnumerable<RequestExportRow> RowsAsync(AnalyticsFilter filter, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var culture = Common.Cultures.Current;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = db.Requests.AsNoTracking().Apply(filter, now)
            .OrderBy(r => r.CreatedAt).ThenBy(r => r.Id)
            .Select(r => new
            {
                r.Number,
                Category = r.Category!.Translations.Where(t => t.Culture == culture && t.Name != "").Select(t => t.Name).FirstOrDefault() ?? r.Category.Name,
                Zone = db.Zones.Where(z => z.Id == r.ZoneId).Select(z => z.Name).FirstOrDefault(),
                Team = db.Teams.Where(t => t.Id == r.AssignedTeamId).Select(t => t.Name).FirstOrDefault(),
                r.Priority, r.Status, r.CreatedAt, r.TriagedAt, r.AssignedAt, r.ResolvedAt, r.ClosedAt,
                r.ResponseDueAt, r.ResolutionDueAt, r.ReopenCount, r.CloseReason,
                Rating = (int?)r.Rating!.Stars, r.Latitude, r.Longitude,
            })
            .AsAsyncEnumerable();
        await foreach (var r in rows.WithCancellation(ct))
        {
            yield return new RequestExportRow
            {
                Number = r.Number, Category = r.Category, Zone = r.Zone ?? "", Team = r.Team, Priority = r.Priority.ToString(),
                Status = Common.Texts.Get(Workflow.RequestStatusExtensions.Label(r.Status)), CreatedAt = r.CreatedAt, TriagedAt = r.TriagedAt, AssignedAt = r.AssignedAt,
                ResolvedAt = r.ResolvedAt, ClosedAt = r.ClosedAt, ResponseDueAt = r.ResponseDueAt, ResolutionDueAt = r.ResolutionDueAt,
                ResponseSla = Common.Texts.Get(SlaText(SlaClock.State(r.CreatedAt, r.ResponseDueAt, r.TriagedAt, now))),
                ResolutionSla = r.CloseReason is null ? Common.Texts.Get(SlaText(SlaClock.State(r.CreatedAt, r.ResolutionDueAt, r.ResolvedAt, now))) : "",
                ReopenCount = r.ReopenCount, Rating = r.Rating, Latitude = r.Latitude, Longitude = r.Longitude,
            };
        }
    }

    public static string SlaText(SlaClock.DueState s) => s switch
    {
        SlaClock.DueState.Met => "met",
        SlaClock.DueState.Missed => "missed",
        SlaClock.DueState.Breached => "breached",
        SlaClock.DueState.AtRisk => "at risk",
        SlaClock.DueState.OnTrack => "on track",
        _ => "",
    };

    /// <summary>Writes the CSV to a stream as rows arrive, flushing as the writer's buffer fills.</summary>
    public async Task<long> WriteCsvAsync(AnalyticsFilter filter, Stream destination, CancellationToken ct = default)
    {
        long rows = 0;
        await using var csv = CsvWriter.Create(destination, CsvOptions, leaveOpen: true);
        csv.WriteHeader(XlsxColumns.Select(c => Common.Texts.Get(c.Header)).ToArray());
        await csv.WriteRecordsAsync(Counted(RowsAsync(filter, ct)), ct);
        await csv.FlushAsync(ct);
        return rows;

        async IAsyncEnumerable<RequestExportRow> Counted(IAsyncEnumerable<RequestExportRow> source)
        {
            await foreach (var row in source) { rows++; yield return row; }
        }
    }

    /// <summary>Rows an Excel export may hold; past this, use the CSV (Excel's own limit is 1,048,576).</summary>
    public const int MaxXlsxRows = 200_000;

    /// <summary>The columns of both exports, in <see cref="RequestExportRow"/>'s order; headers are resource keys.</summary>
    private static readonly (string Header, XLDataType Type)[] XlsxColumns =
    [
        ("Number", XLDataType.Text), ("Category", XLDataType.Text), ("Zone", XLDataType.Text), ("Team", XLDataType.Text),
        ("Priority", XLDataType.Text), ("Status", XLDataType.Text), ("Created (UTC)", XLDataType.DateTime), ("Triaged (UTC)", XLDataType.DateTime),
        ("Assigned (UTC)", XLDataType.DateTime), ("Resolved (UTC)", XLDataType.DateTime), ("Closed (UTC)", XLDataType.DateTime),
        ("Response due (UTC)", XLDataType.DateTime), ("Resolution due (UTC)", XLDataType.DateTime), ("Response SLA", XLDataType.Text),
        ("Resolution SLA", XLDataType.Text), ("Reopened", XLDataType.Number), ("Rating", XLDataType.Number),
        ("Latitude", XLDataType.Number), ("Longitude", XLDataType.Number),
    ];

    /// <summary>
    /// Writes the Excel workbook: typed cells (dates as dates, numbers as numbers), header row frozen, auto filter.
    /// ClosedXML keeps the workbook in memory until it is saved, so this is capped at <see cref="MaxXlsxRows"/>;
    /// the saved file goes through a temporary file, then is copied to the destination asynchronously.
    /// </summary>
    public async Task<int> WriteXlsxAsync(AnalyticsFilter filter, Stream destination, CancellationToken ct = default)
    {
        using var workbook = new XLWorkbook();
        var sheet = workbook.Worksheets.Add(Common.Texts.Get("Requests"));
        sheet.RightToLeft = Common.Cultures.IsRightToLeft;
        for (var c = 0; c < XlsxColumns.Length; c++) sheet.Cell(1, c + 1).Value = Common.Texts.Get(XlsxColumns[c].Header);
        var header = sheet.Range(1, 1, 1, XlsxColumns.Length);
        header.Style.Font.Bold = true;
        header.Style.Fill.BackgroundColor = XLColor.FromHtml("#DCE6F2");

        var r = 1;
        var truncated = false;
        await foreach (var row in RowsAsync(filter, ct))
        {
            if (r > MaxXlsxRows) { truncated = true; break; }
            r++;
            object?[] values =
            [
                row.Number, row.Category, row.Zone, row.Team, row.Priority, row.Status, row.CreatedAt, row.TriagedAt, row.AssignedAt,
                row.ResolvedAt, row.ClosedAt, row.ResponseDueAt, row.ResolutionDueAt, row.ResponseSla, row.ResolutionSla,
                row.ReopenCount, row.Rating, row.Latitude, row.Longitude,
            ];
            for (var c = 0; c < values.Length; c++)
                if (values[c] is { } v) sheet.Cell(r, c + 1).Value = v;
        }
        for (var c = 0; c < XlsxColumns.Length; c++)
        {
            var column = sheet.Column(c + 1);
            if (XlsxColumns[c].Type == XLDataType.DateTime) column.Style.DateFormat.Format = "yyyy-mm-dd hh:mm";
            if (XlsxColumns[c].Type == XLDataType.Text && r > 1) sheet.Range(2, c + 1, r, c + 1).DataType = XLDataType.Text;
        }
        sheet.Column(18).Style.NumberFormat.Format = "0.000000";
        sheet.Column(19).Style.NumberFormat.Format = "0.000000";
        sheet.SheetView.FreezeRows(1);
        sheet.Range(1, 1, r, XlsxColumns.Length).SetAutoFilter();
        // Sizing every column from every row is slow on large sheets: the header and first rows are a fair sample.
        sheet.Columns(1, XlsxColumns.Length).AdjustToContents(1, Math.Min(r, 500));

        if (truncated)
            workbook.Worksheets.Add(Common.Texts.Get("Note")).Cell(1, 1).Value =
                Common.Texts.Get("Only the first {0:N0} requests are in this workbook. Download the CSV for all of them, or narrow the filter.", MaxXlsxRows);

        await using var temp = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose);
        workbook.SaveAs(temp);
        temp.Position = 0;
        await temp.CopyToAsync(destination, ct);
        return r - 1;
    }

    /// <summary>The SLA compliance report (small: figures, not rows) drawn in memory, then copied out asynchronously.</summary>
    public async Task WriteSlaPdfAsync(AnalyticsFilter filter, Stream destination, CancellationToken ct = default)
    {
        var report = await kpis.ReportAsync(filter, ct);
        var filterText = await kpis.DescribeAsync(filter, ct);
        using var buffer = new MemoryStream();
        SlaReportPdf.Write(report, filterText, buffer);
        buffer.Position = 0;
        await buffer.CopyToAsync(destination, ct);
    }

    public static string FileName(string kind, AnalyticsFilter f, DateTime now, string extension) =>
        $"cst-{kind}-{(f.From ?? DateTime.MinValue):yyyyMMdd}-{(f.To ?? now):yyyyMMdd}.{extension}".Replace("00010101", "start");
}
