using System.Globalization;
using SkiaSharp;

namespace CstPortal.Features.Analytics;

/// <summary>
/// The SLA compliance report as PDF, drawn with SkiaSharp: title, period, filters, the KPI table, a trend
/// chart, SLA by dimension, the breaches, and "Page n of m" on every page. Pure: report in, bytes out.
/// </summary>
public static class SlaReportPdf
{
    private const float PageWidth = 595, PageHeight = 842, Margin = 48, Line = 16;
    private static readonly CultureInfo En = CultureInfo.GetCultureInfo("en");

    /// <summary>A piece of the report that takes <see cref="Height"/> points and draws itself at a y.</summary>
    private sealed record Block(float Height, Action<SKCanvas, float> Draw);

    public static void Write(KpiReport report, string filterText, Stream destination)
    {
        using var regular = SKTypeface.FromFamilyName("DejaVu Sans") ?? SKTypeface.Default;
        using var bold = SKTypeface.FromFamilyName("DejaVu Sans", SKFontStyle.Bold) ?? regular;
        using var title = new SKFont(bold, 20);
        using var heading = new SKFont(bold, 13);
        using var body = new SKFont(regular, 10);
        using var strong = new SKFont(bold, 10);
        using var ink = new SKPaint { Color = new SKColor(0x22, 0x22, 0x22), IsAntialias = true };
        using var muted = new SKPaint { Color = new SKColor(0x55, 0x5f, 0x6d), IsAntialias = true };
        using var rule = new SKPaint { Color = new SKColor(0xc9, 0xd3, 0xe0), StrokeWidth = 0.8f, IsAntialias = true };

        var blocks = new List<Block>();
        void Text(string text, SKFont font, SKPaint paint, float height = Line) =>
            blocks.Add(new Block(height, (c, y) => c.DrawText(text, Margin, y + font.Size, SKTextAlign.Left, font, paint)));
        void Heading(string text) { blocks.Add(new Block(8, (_, _) => { })); Text(text, heading, ink, 22); }
        void Row(string[] cells, float[] columns, SKFont font) =>
            blocks.Add(new Block(Line, (c, y) =>
            {
                for (var i = 0; i < cells.Length; i++) c.DrawText(cells[i], Margin + columns[i], y + font.Size, SKTextAlign.Left, font, ink);
                c.DrawLine(Margin, y + Line - 2, PageWidth - Margin, y + Line - 2, rule);
            }));

        var f = report.Filter;
        Text("SLA compliance report", title, ink, 30);
        Text($"Period: {Day(f.From) ?? "start"} to {Day(f.To?.AddTicks(-1)) ?? "now"} (requests created in the period)", body, ink);
        Text($"Filters: {filterText}", body, ink);
        Text($"Generated: {report.GeneratedAt.ToString("yyyy-MM-dd HH:mm", En)} UTC", body, muted);

        Heading("Key figures");
        float[] kv = [0, 260];
        foreach (var (label, value) in Figures(report)) Row([label, value], kv, body);

        Heading("Opened and resolved per day");
        blocks.Add(new Block(170, (c, y) => DrawTrend(c, report.Trend, new SKRect(Margin, y, PageWidth - Margin, y + 160), body, ink, muted, rule)));

        foreach (var (dimension, name) in new[] { (SlaDimension.Category, "category"), (SlaDimension.Zone, "zone"), (SlaDimension.Team, "team"), (SlaDimension.Priority, "priority") })
        {
            Heading($"SLA met by {name}");
            float[] cols = [0, 200, 270, 390];
            Row([char.ToUpper(name[0]) + name[1..], "Requests", "Response met", "Resolution met"], cols, strong);
            foreach (var r in report.ByDimension[dimension])
                Row([Clip(r.Name, 34), r.Requests.ToString("N0", En), $"{Percent(r.ResponseMetPercent)} ({r.ResponseMet}/{r.ResponseEvaluated})",
                    $"{Percent(r.ResolutionMetPercent)} ({r.ResolutionMet}/{r.ResolutionEvaluated})"], cols, body);
        }

        Heading($"Resolution breaches ({report.Breaches.Count}{(report.Breaches.Count >= KpiService.MaxBreaches ? "+" : "")})");
        float[] bc = [0, 110, 245, 335, 375];
        Row(["Number", "Category", "Zone", "Priority", "Due (UTC) / hours late"], bc, strong);
        foreach (var b in report.Breaches)
            Row([b.Number, Clip(b.Category, 22), Clip(b.Zone, 14), b.Priority.ToString(), $"{b.DueAt.ToString("yyyy-MM-dd HH:mm", En)} / {b.HoursLate.ToString("N1", En)}"], bc, body);
        if (report.Breaches.Count == 0) Text("No breaches for this filter.", body, muted);

        // Paginate first, so every page can say how many there are.
        var pages = new List<List<(Block Block, float Y)>> { new() };
        var yPos = Margin;
        foreach (var block in blocks)
        {
            if (yPos + block.Height > PageHeight - Margin - 20) { pages.Add([]); yPos = Margin; }
            pages[^1].Add((block, yPos));
            yPos += block.Height;
        }

        using var pdf = SKDocument.CreatePdf(destination, new SKDocumentPdfMetadata
        {
            Title = "SLA compliance report", Producer = "CstPortal", Creation = report.GeneratedAt, Modified = report.GeneratedAt,
        });
        for (var p = 0; p < pages.Count; p++)
        {
            var canvas = pdf.BeginPage(PageWidth, PageHeight);
            foreach (var (block, y) in pages[p]) block.Draw(canvas, y);
            canvas.DrawText($"Page {p + 1} of {pages.Count}", PageWidth - Margin, PageHeight - Margin / 2, SKTextAlign.Right, body, muted);
            canvas.DrawText("CstPortal · SLA compliance", Margin, PageHeight - Margin / 2, SKTextAlign.Left, body, muted);
            pdf.EndPage();
        }
        pdf.Close();
    }

    public static IReadOnlyList<(string Label, string Value)> Figures(KpiReport r) =>
    [
        ("Requests opened", r.Opened.ToString("N0", En)),
        ("Requests resolved", r.Resolved.ToString("N0", En)),
        ("Requests closed", r.Closed.ToString("N0", En)),
        ("Backlog (open now)", $"{r.Backlog.Total.ToString("N0", En)} ({r.Backlog.Overdue.ToString("N0", En)} overdue)"),
        ("Response SLA met", $"{Percent(r.Overall.ResponseMetPercent)} ({r.Overall.ResponseMet} of {r.Overall.ResponseEvaluated})"),
        ("Resolution SLA met", $"{Percent(r.Overall.ResolutionMetPercent)} ({r.Overall.ResolutionMet} of {r.Overall.ResolutionEvaluated})"),
        ("Median time to triage", Hours(r.Medians.HoursToTriage)),
        ("Median time to assign", Hours(r.Medians.HoursToAssign)),
        ("Median time to resolve", Hours(r.Medians.HoursToResolve)),
        ("Reopen rate", Percent(r.ReopenRatePercent)),
        ("Citizen satisfaction", r.AverageRating is { } a ? $"{a.ToString("0.0", En)} / 5 ({r.Ratings} ratings)" : "no ratings"),
    ];

    private static void DrawTrend(SKCanvas c, IReadOnlyList<TrendPoint> trend, SKRect area, SKFont font, SKPaint ink, SKPaint muted, SKPaint rule)
    {
        var plot = new SKRect(area.Left + 30, area.Top + 4, area.Right - 90, area.Bottom - 18);
        c.DrawLine(plot.Left, plot.Bottom, plot.Right, plot.Bottom, rule);
        c.DrawLine(plot.Left, plot.Top, plot.Left, plot.Bottom, rule);
        if (trend.Count == 0) return;
        var max = Math.Max(1, trend.Max(t => Math.Max(t.Opened, t.Resolved)));
        c.DrawText(max.ToString(En), plot.Left - 4, plot.Top + font.Size, SKTextAlign.Right, font, muted);
        c.DrawText("0", plot.Left - 4, plot.Bottom, SKTextAlign.Right, font, muted);
        c.DrawText(trend[0].Day.ToString("d MMM", En), plot.Left, area.Bottom, SKTextAlign.Left, font, muted);
        c.DrawText(trend[^1].Day.ToString("d MMM", En), plot.Right, area.Bottom, SKTextAlign.Right, font, muted);
        float X(int i) => trend.Count == 1 ? plot.MidX : plot.Left + i * plot.Width / (trend.Count - 1);
        float Y(int v) => plot.Bottom - v * plot.Height / max;
        void Series(Func<TrendPoint, int> value, SKColor colour, string name, float legendY)
        {
            using var pen = new SKPaint { Color = colour, StrokeWidth = 1.6f, IsAntialias = true, Style = SKPaintStyle.Stroke };
            using var builder = new SKPathBuilder();
            builder.MoveTo(X(0), Y(value(trend[0])));
            for (var i = 1; i < trend.Count; i++) builder.LineTo(X(i), Y(value(trend[i])));
            using var path = builder.Detach();
            c.DrawPath(path, pen);
            c.DrawLine(plot.Right + 10, legendY - 4, plot.Right + 26, legendY - 4, pen);
            c.DrawText(name, plot.Right + 30, legendY, SKTextAlign.Left, font, ink);
        }
        Series(t => t.Opened, new SKColor(0x1e, 0x5a, 0xa8), "Opened", plot.Top + 12);
        Series(t => t.Resolved, new SKColor(0x2e, 0x9d, 0x5b), "Resolved", plot.Top + 28);
    }

    private static string? Day(DateTime? d) => d?.ToString("yyyy-MM-dd", En);
    private static string Clip(string s, int n) => s.Length <= n ? s : s[..(n - 1)] + "…";
    public static string Percent(double? p) => p is { } v ? v.ToString("0.0", En) + " %" : "—";
    public static string Hours(double? h) => h switch { null => "—", < 48 => h.Value.ToString("0.0", En) + " h", _ => (h.Value / 24).ToString("0.0", En) + " d" };
}
