namespace CstPortal.Features.Analytics;

/// <summary>Downloads of the dashboard's filter, for managers, supervisors and admins. Mapped from Program.cs.</summary>
public static class AnalyticsEndpoints
{
    public static IEndpointRouteBuilder MapAnalyticsExports(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/analytics").WithTags("Analytics exports")
            .RequireAuthorization(p => p.RequireRole(AnalyticsRoles.Viewers.Split(',')));

        group.MapGet("/requests.csv", async (HttpContext http, ExportService exports, TimeProvider clock, CancellationToken ct) =>
        {
            var filter = AnalyticsFilterQuery.Parse(key => http.Request.Query.TryGetValue(key, out var v) ? v.ToString() : null);
            if (!filter.Succeeded) return Problem(filter.Error!);
            return Results.Stream(async body => await exports.WriteCsvAsync(filter.Value!, body, ct),
                ExportService.CsvContentType, ExportService.FileName("requests", filter.Value!, clock.GetUtcNow().UtcDateTime, "csv"));
        }).WithSummary("The dashboard filter's requests as CSV (UTF-8 with BOM), streamed.");

        group.MapGet("/requests.xlsx", async (HttpContext http, ExportService exports, TimeProvider clock, CancellationToken ct) =>
        {
            var filter = AnalyticsFilterQuery.Parse(key => http.Request.Query.TryGetValue(key, out var v) ? v.ToString() : null);
            if (!filter.Succeeded) return Problem(filter.Error!);
            return Results.Stream(async body => await exports.WriteXlsxAsync(filter.Value!, body, ct),
                ExportService.XlsxContentType, ExportService.FileName("requests", filter.Value!, clock.GetUtcNow().UtcDateTime, "xlsx"));
        }).WithSummary("The dashboard filter's requests as an Excel workbook (typed columns, frozen header).");

        group.MapGet("/sla-report.pdf", async (HttpContext http, ExportService exports, TimeProvider clock, CancellationToken ct) =>
        {
            var filter = AnalyticsFilterQuery.Parse(key => http.Request.Query.TryGetValue(key, out var v) ? v.ToString() : null);
            if (!filter.Succeeded) return Problem(filter.Error!);
            return Results.Stream(async body => await exports.WriteSlaPdfAsync(filter.Value!, body, ct),
                "application/pdf", ExportService.FileName("sla-report", filter.Value!, clock.GetUtcNow().UtcDateTime, "pdf"));
        }).WithSummary("The SLA compliance report for the dashboard filter as PDF.");

        return app;
    }

    private static IResult Problem(string detail) =>
        Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid filter", detail: detail);
}
