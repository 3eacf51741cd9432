using System.Runtime.CompilerServices;
using CstPortal.Data;
using CstPortal.Features.Sla;
using CsvHelper;
using Microsoft.EntityFrameworkCore;

namespace CstPortal.Features.Analytics;

/// <summary>
/// Exports of the dashboard's filter. Rows stream from the database straight into the writer: one row
/// in memory at a time for CSV, so a 100,000-row export costs what one row costs.
/// </summary>
public sealed class ExportService(IDbContextFactory<CstDbContext> dbFactory, TimeProvider clock)
{
    public const string CsvContentType = "text/csv; charset=utf-8";
    public const string XlsxContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    /// <summary>UTF-8 with a byte order mark (so Excel reads accents right); formula-like text is escaped.</summary>
    public static readonly CsvWriterOptions CsvOptions = CsvWriterOptions.Default with
    {
        WriteByteOrderMark = true,
        Injection = CsvInjection.Escape,
    };

    /// <summary>The filter's requests, oldest first, read one by one (one DbContext for the whole stream).</summary>
    public async IAsyncEnumerable<RequestExportRow> RowsAsync(AnalyticsFilter filter, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = db.Requests.AsNoTracking().Apply(filter, now)
            .OrderBy(r => r.CreatedAt).ThenBy(r => r.Id)
            .Select(r => new
            {
                r.Number, Category = r.Category!.Name,
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
                Status = Workflow.RequestStatusExtensions.Code(r.Status), CreatedAt = r.CreatedAt, TriagedAt = r.TriagedAt, AssignedAt = r.AssignedAt,
                ResolvedAt = r.ResolvedAt, ClosedAt = r.ClosedAt, ResponseDueAt = r.ResponseDueAt, ResolutionDueAt = r.ResolutionDueAt,
                ResponseSla = SlaText(SlaClock.State(r.CreatedAt, r.ResponseDueAt, r.TriagedAt, now)),
                ResolutionSla = r.CloseReason is null ? SlaText(SlaClock.State(r.CreatedAt, r.ResolutionDueAt, r.ResolvedAt, now)) : "",
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
        await csv.WriteRecordsAsync(Counted(RowsAsync(filter, ct)), ct);
        await csv.FlushAsync(ct);
        return rows;

        async IAsyncEnumerable<RequestExportRow> Counted(IAsyncEnumerable<RequestExportRow> source)
        {
            await foreach (var row in source) { rows++; yield return row; }
        }
    }

    public static string FileName(string kind, AnalyticsFilter f, DateTime now, string extension) =>
        $"cst-{kind}-{(f.From ?? DateTime.MinValue):yyyyMMdd}-{(f.To ?? now):yyyyMMdd}.{extension}".Replace("00010101", "start");
}
