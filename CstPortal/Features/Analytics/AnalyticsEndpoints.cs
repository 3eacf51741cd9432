namespace CstPortal.Features.Analytics;

/// <summary>Downloads of the dashboard's filter, for managers, supervisors and admins. Mapped from Program.cs.</summary>
public static class AnalyticsEndpoints
{
    public static IEndpointRouteBuilder MapAnalyticsExports(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/analytics").WithTags("Analytics exports")
            .RequireAuthorization(p => p.RequireRole(AnalyticsRoles.Viewers.Split(',')));

        MapExport(group, "/requests.csv", "requests", "csv", ExportService.CsvContentType, (e, f, body, ct) => e.WriteCsvAsync(f, body, ct))
            .WithSummary("The dashboard filter's requests as CSV (UTF-8 with BOM), streamed.");
        MapExport(group, "/requests.xlsx", "requests", "xlsx", ExportService.XlsxContentType, (e, f, body, ct) => e.WriteXlsxAsync(f, body, ct))
            .WithSummary("The dashboard filter's requests as an Excel workbook (typed columns, frozen header).");
        MapExport(group, "/sla-report.pdf", "sla-report", "pdf", "application/pdf", (e, f, body, ct) => e.WriteSlaPdfAsync(f, body, ct))
            .WithSummary("The SLA compliance report for the dashboard filter as PDF.");

        return app;
    }

    private static IResult Problem(string detail) =>
        Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid filter", detail: detail);

    /// <summary>One export: the dashboard filter from the query string (400 if it is bad), then the file streamed.</summary>
    private static RouteHandlerBuilder MapExport(RouteGroupBuilder group, string path, string name, string extension, string contentType,
        Func<ExportService, AnalyticsFilter, Stream, CancellationToken, Task> write) =>
        group.MapGet(path, (HttpContext http, ExportService exports, TimeProvider clock, CancellationToken ct) =>
        {
            var filter = AnalyticsFilterQuery.Parse(key => http.Request.Query.TryGetValue(key, out var v) ? v.ToString() : null);
            if (!filter.Succeeded) return Problem(filter.Error!);
            return Results.Stream(body => write(exports, filter.Value!, body, ct),
                contentType, ExportService.FileName(name, filter.Value!, clock.GetUtcNow().UtcDateTime, extension));
        });
}
