using System.Net;
using System.Text;
using ClosedXML.Excel;
using CsvHelper;
using CstPortal.Common;
using CstPortal.Features.Analytics;
using CstPortal.Features.Workflow;
using CstPortal.Tests.Infrastructure;

namespace CstPortal.Tests.Features.Analytics;

public class ExportTests : IAsyncLifetime
{
    private TestCity _city = default!;
    private string _number = "";
    private DateTime _t0;

    public async Task InitializeAsync()
    {
        _city = await TestCity.CreateAsync(this);
        _city.Clock.Advance(TimeSpan.FromDays(10));
        _t0 = _city.Clock.GetUtcNow().UtcDateTime;
        _number = (await _city.ReportPotholeAsync(await _city.ActorAsync(Roles.Citizen), "=HYPERLINK(\"http://evil\") pothole")).Number;
        _city.Clock.Advance(TimeSpan.FromMinutes(30));
        Assert.True((await _city.ActAsync(_number, new TransitionInput(WorkflowAction.Triage), await _city.ActorAsync(Roles.Dispatcher))).Succeeded);
    }

    public async Task DisposeAsync() => await _city.DisposeAsync();

    private static List<RequestExportRow> ReadBack(byte[] bytes)
    {
        using var reader = CsvReader.Create(new MemoryStream(bytes));
        return reader.GetRecords<RequestExportRow>().ToList();
    }

    [Fact]
    public async Task The_csv_starts_with_a_utf8_bom_and_holds_exactly_the_filtered_requests()
    {
        var exports = _city.Get<ExportService>();
        var filter = new AnalyticsFilter { From = _t0, To = _t0.AddDays(1) };
        using var buffer = new MemoryStream();

        var count = await exports.WriteCsvAsync(filter, buffer);

        var bytes = buffer.ToArray();
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var text = Encoding.UTF8.GetString(bytes[3..]);
        Assert.StartsWith("Number,Category,Zone,Team,Priority,Status,Created (UTC),", text);
        var row = Assert.Single(ReadBack(bytes));
        Assert.Equal(1, count);
        Assert.Equal(_number, row.Number);
        Assert.Equal("Pothole", row.Category);
        Assert.Equal("Triaged", row.Status);
        Assert.Equal("met", row.ResponseSla);
        Assert.Equal("on track", row.ResolutionSla);
        Assert.Equal(_t0, row.CreatedAt);
        Assert.Equal(_t0.AddMinutes(30), row.TriagedAt);
        Assert.Null(row.ResolvedAt);
    }

    [Fact]
    public async Task The_whole_city_exports_with_the_same_count_as_the_dashboard_and_reaches_the_stream_in_several_writes()
    {
        var exports = _city.Get<ExportService>();
        var report = await _city.Get<KpiService>().ReportAsync(new AnalyticsFilter());
        var destination = new CountingStream();

        var count = await exports.WriteCsvAsync(new AnalyticsFilter(), destination);

        Assert.Equal(report.Opened, count);
        Assert.Equal(report.Opened, ReadBack(destination.ToArray()).Count);
        // Written as it goes (the writer's 64 KiB buffer flushes many times), not built whole and copied once.
        Assert.True(destination.Writes > 2, $"only {destination.Writes} writes");
    }

    [Fact]
    public async Task The_excel_workbook_has_typed_columns_a_frozen_header_and_the_filtered_rows()
    {
        var exports = _city.Get<ExportService>();
        using var buffer = new MemoryStream();

        var count = await exports.WriteXlsxAsync(new AnalyticsFilter { From = _t0, To = _t0.AddDays(1) }, buffer);

        Assert.Equal(1, count);
        buffer.Position = 0;
        using var workbook = new XLWorkbook(buffer);
        var sheet = workbook.Worksheet("Requests");
        Assert.Equal(1, sheet.SheetView.SplitRow);
        Assert.Equal("Number", sheet.Cell(1, 1).GetString());
        Assert.Equal("Created (UTC)", sheet.Cell(1, 7).GetString());
        Assert.Equal(_number, sheet.Cell(2, 1).GetString());
        Assert.Equal(XLDataType.Text, sheet.Cell(2, 1).DataType);
        Assert.Equal("Pothole", sheet.Cell(2, 2).GetString());
        Assert.Equal(XLDataType.DateTime, sheet.Cell(2, 7).DataType);
        Assert.Equal(_t0, sheet.Cell(2, 7).GetDateTime());
        Assert.Equal(_t0.AddMinutes(30), sheet.Cell(2, 8).GetDateTime());
        Assert.True(sheet.Cell(2, 10).IsEmpty());
        Assert.Equal(XLDataType.Number, sheet.Cell(2, 16).DataType);
        Assert.Equal(0, sheet.Cell(2, 16).GetDouble());
        Assert.Equal(XLDataType.Number, sheet.Cell(2, 18).DataType);
        Assert.Equal(Scenario.CityCentre.Lat, sheet.Cell(2, 18).GetDouble(), 6);
        Assert.True(sheet.Cell(3, 1).IsEmpty());
    }

    [Fact]
    public async Task In_arabic_the_exports_speak_arabic_headers_categories_statuses_and_sla_states_and_the_sheet_runs_right_to_left()
    {
        var exports = _city.Get<ExportService>();
        var filter = new AnalyticsFilter { From = _t0, To = _t0.AddDays(1) };
        var (culture, uiCulture) = (System.Globalization.CultureInfo.CurrentCulture, System.Globalization.CultureInfo.CurrentUICulture);
        using var xlsx = new MemoryStream();
        using var csv = new MemoryStream();
        try
        {
            System.Globalization.CultureInfo.CurrentCulture = System.Globalization.CultureInfo.CurrentUICulture = System.Globalization.CultureInfo.GetCultureInfo("ar");
            await exports.WriteXlsxAsync(filter, xlsx);
            await exports.WriteCsvAsync(filter, csv);
        }
        finally
        {
            (System.Globalization.CultureInfo.CurrentCulture, System.Globalization.CultureInfo.CurrentUICulture) = (culture, uiCulture);
        }

        xlsx.Position = 0;
        using var workbook = new XLWorkbook(xlsx);
        var sheet = workbook.Worksheet(Texts.In("ar", "Requests"));
        Assert.True(sheet.RightToLeft);
        Assert.Equal(Texts.In("ar", "Number"), sheet.Cell(1, 1).GetString());
        Assert.NotEqual("Number", sheet.Cell(1, 1).GetString());
        Assert.Equal(_number, sheet.Cell(2, 1).GetString());
        Assert.Equal("حفرة في الطريق", sheet.Cell(2, 2).GetString()); // the admins' Arabic name of the category
        Assert.Equal(Texts.In("ar", "Triaged"), sheet.Cell(2, 6).GetString());
        Assert.Equal(Texts.In("ar", "met"), sheet.Cell(2, 14).GetString());
        Assert.Equal(Texts.In("ar", "on track"), sheet.Cell(2, 15).GetString());
        Assert.Equal(_t0, sheet.Cell(2, 7).GetDateTime()); // dates stay typed dates, whatever the language
        var text = Encoding.UTF8.GetString(csv.ToArray());
        Assert.StartsWith($"\uFEFF{Texts.In("ar", "Number")},{Texts.In("ar", "Category")},", text);
        Assert.Contains("حفرة في الطريق", text);
    }

    [Fact]
    public async Task The_pdf_report_reads_back_with_title_period_filters_figures_chart_legend_and_page_numbers()
    {
        var exports = _city.Get<ExportService>();
        var pothole = (await _city.Get<KpiService>().OptionsAsync()).Categories.Single(c => c.Name == "Pothole");
        var path = Path.Combine(_city.Directory, "report.pdf");
        await using (var file = File.Create(path))
            await exports.WriteSlaPdfAsync(new AnalyticsFilter { From = _t0.Date, To = _t0.Date.AddDays(7), CategoryId = pothole.Id }, file);

        var text = PdfText(path);

        Assert.StartsWith("%PDF", File.ReadAllText(path)[..4]);
        Assert.Contains("SLA compliance report", text);
        Assert.Contains($"Period: {_t0:yyyy-MM-dd} to {_t0.AddDays(6):yyyy-MM-dd}", text);
        Assert.Contains("Filters: Category: Pothole", text);
        Assert.Matches(@"Requests opened\s+1", text);
        // The one request was triaged 30 minutes after it was reported: 1 of 1 response targets met.
        Assert.Matches(@"Response SLA met\s+100\.0 % \(1 of 1\)", text);
        Assert.Matches(@"Resolution SLA met\s+— \(0 of 0\)", text);
        Assert.Contains("Opened and resolved per day", text);
        Assert.Contains("Resolved", text);
        Assert.Contains("SLA met by zone", text);
        Assert.Matches(@"Page 1 of \d+", text);
    }

    private static string PdfText(string path)
    {
        var start = new System.Diagnostics.ProcessStartInfo("pdftotext", ["-layout", path, "-"]) { RedirectStandardOutput = true };
        using var process = System.Diagnostics.Process.Start(start)!;
        var text = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
        return text;
    }

    private sealed class CountingStream : MemoryStream
    {
        public int Writes { get; private set; }
        public override void Write(byte[] buffer, int offset, int count) { Writes++; base.Write(buffer, offset, count); }
        public override void Write(ReadOnlySpan<byte> buffer) { Writes++; base.Write(buffer); }
        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct) { Writes++; return base.WriteAsync(buffer, offset, count, ct); }
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default) { Writes++; return base.WriteAsync(buffer, ct); }
    }
}

public class ExportEndpointTests(CstAppFactory factory) : IClassFixture<CstAppFactory>
{
    [Fact]
    public async Task A_manager_downloads_the_csv_as_an_attachment()
    {
        var client = await factory.SignedInClientAsync("manager");

        var response = await client.GetAsync("/api/analytics/requests.csv?from=2020-01-01");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(0xEF, bytes[0]);
        using var reader = CsvReader.Create(new MemoryStream(bytes));
        Assert.True(reader.GetRecords<RequestExportRow>().Count() >= 600);
    }

    [Fact]
    public async Task A_supervisor_downloads_the_excel_workbook()
    {
        var client = await factory.SignedInClientAsync("supervisor");

        var response = await client.GetAsync("/api/analytics/requests.xlsx?from=2020-01-01");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(ExportService.XlsxContentType, response.Content.Headers.ContentType?.MediaType);
        using var workbook = new XLWorkbook(new MemoryStream(await response.Content.ReadAsByteArrayAsync()));
        Assert.True(workbook.Worksheet(1).LastRowUsed().RowNumber() > 600);
    }

    [Fact]
    public async Task A_manager_downloads_the_pdf_report()
    {
        var client = await factory.SignedInClientAsync("manager");

        var response = await client.GetAsync("/api/analytics/sla-report.pdf?from=2026-01-01&to=2026-12-31");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("%PDF", Encoding.ASCII.GetString((await response.Content.ReadAsByteArrayAsync())[..4]));
    }

    [Theory]
    [InlineData("citizen")]
    [InlineData("agent")]
    [InlineData("dispatcher")]
    public async Task Other_roles_are_forbidden(string who)
    {
        var client = await factory.SignedInClientAsync(who);

        var response = await client.GetAsync("/api/analytics/requests.csv");

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("Number,Category", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Anonymous_callers_get_no_export()
    {
        var response = await factory.CreateClient(new() { AllowAutoRedirect = false }).GetAsync("/api/analytics/requests.csv");

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_bad_filter_is_a_400_problem()
    {
        var client = await factory.SignedInClientAsync("supervisor");

        var response = await client.GetAsync("/api/analytics/requests.csv?priority=P9");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("priority", await response.Content.ReadAsStringAsync());
    }
}
