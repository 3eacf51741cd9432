using System.Globalization;
using CstPortal.Common;
using SkiaSharp;
using SkiaSharp.HarfBuzz;

namespace CstPortal.Features.Analytics;

/// <summary>
/// The SLA compliance report as PDF, drawn with SkiaSharp: title, period, filters, the KPI table, a trend
/// chart, SLA by dimension, the breaches, and "Page n of m" on every page. Pure: report in, bytes out.
/// Written in the current UI culture: labels from the resources, numbers and dates in its format, and for a
/// right-to-left language the page is mirrored. Text is shaped with HarfBuzz (Arabic letters join) in DejaVu Sans.
/// </summary>
public static class SlaReportPdf
{
    private const float PageWidth = 595, PageHeight = 842, Margin = 48, Line = 16;
    private static CultureInfo En => CultureInfo.CurrentCulture; // the reader's number and date format

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
        using var writer = new ShapedText(Cultures.IsRightToLeft);
        // x is measured from the page's start edge: the left in English, the right in Arabic.
        void DrawAt(SKCanvas c, string text, float x, float y, SKTextAlign align, SKFont font, SKPaint paint) => writer.Draw(c, text, x, y, align, font, paint);

        var blocks = new List<Block>();
        void Text(string text, SKFont font, SKPaint paint, float height = Line) =>
            blocks.Add(new Block(height, (c, y) => DrawAt(c, text, Margin, y + font.Size, SKTextAlign.Left, font, paint)));
        void Heading(string text) { blocks.Add(new Block(8, (_, _) => { })); Text(text, heading, ink, 22); }
        void Row(string[] cells, float[] columns, SKFont font) =>
            blocks.Add(new Block(Line, (c, y) =>
            {
                for (var i = 0; i < cells.Length; i++) DrawAt(c, cells[i], Margin + columns[i], y + font.Size, SKTextAlign.Left, font, ink);
                c.DrawLine(Margin, y + Line - 2, PageWidth - Margin, y + Line - 2, rule);
            }));

        var f = report.Filter;
        Text(Texts.Get("SLA compliance report"), title, ink, 30);
        Text(Texts.Get("Period: {0} to {1} (requests created in the period)", Day(f.From) ?? Texts.Get("start"), Day(f.To?.AddTicks(-1)) ?? Texts.Get("now")), body, ink);
        Text(Texts.Get("Filters: {0}", filterText), body, ink);
        Text(Texts.Get("Generated: {0} UTC", report.GeneratedAt.ToString("yyyy-MM-dd HH:mm", En)), body, muted);

        Heading(Texts.Get("Key figures"));
        float[] kv = [0, 260];
        foreach (var (label, value) in Figures(report)) Row([label, value], kv, body);

        Heading(Texts.Get("Opened and resolved per day"));
        blocks.Add(new Block(170, (c, y) => DrawTrend(c, writer, report.Trend, new SKRect(Margin, y, PageWidth - Margin, y + 160), body, ink, muted, rule)));

        foreach (var (dimension, name, caption) in new[]
        {
            (SlaDimension.Category, "Category", "SLA met by category"), (SlaDimension.Zone, "Zone", "SLA met by zone"),
            (SlaDimension.Team, "Team", "SLA met by team"), (SlaDimension.Priority, "Priority", "SLA met by priority"),
        })
        {
            Heading(Texts.Get(caption));
            float[] cols = [0, 200, 270, 390];
            Row([Texts.Get(name), Texts.Get("Requests"), Texts.Get("Response met"), Texts.Get("Resolution met")], cols, strong);
            foreach (var r in report.ByDimension[dimension])
                Row([Clip(r.Name, 34), r.Requests.ToString("N0", En), $"{Percent(r.ResponseMetPercent)} ({r.ResponseMet}/{r.ResponseEvaluated})",
                    $"{Percent(r.ResolutionMetPercent)} ({r.ResolutionMet}/{r.ResolutionEvaluated})"], cols, body);
        }

        Heading(Texts.Get("Resolution breaches ({0})", report.Breaches.Count.ToString("N0", En) + (report.Breaches.Count >= KpiService.MaxBreaches ? "+" : "")));
        float[] bc = [0, 110, 245, 335, 375];
        Row([Texts.Get("Number"), Texts.Get("Category"), Texts.Get("Zone"), Texts.Get("Priority"), Texts.Get("Due (UTC) / hours late")], bc, strong);
        foreach (var b in report.Breaches)
            Row([b.Number, Clip(b.Category, 22), Clip(b.Zone, 14), b.Priority.ToString(), $"{b.DueAt.ToString("yyyy-MM-dd HH:mm", En)} / {b.HoursLate.ToString("N1", En)}"], bc, body);
        if (report.Breaches.Count == 0) Text(Texts.Get("No breaches for this filter."), body, muted);

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
            Title = Texts.Get("SLA compliance report"), Producer = "CstPortal", Creation = report.GeneratedAt, Modified = report.GeneratedAt,
        });
        for (var p = 0; p < pages.Count; p++)
        {
            var canvas = pdf.BeginPage(PageWidth, PageHeight);
            foreach (var (block, y) in pages[p]) block.Draw(canvas, y);
            DrawAt(canvas, Texts.Get("Page {0} of {1}", p + 1, pages.Count), PageWidth - Margin, PageHeight - Margin / 2, SKTextAlign.Right, body, muted);
            DrawAt(canvas, Texts.Get("CstPortal · SLA compliance"), Margin, PageHeight - Margin / 2, SKTextAlign.Left, body, muted);
            pdf.EndPage();
        }
        pdf.Close();
    }

    public static IReadOnlyList<(string Label, string Value)> Figures(KpiReport r) =>
    [
        (Texts.Get("Requests opened"), r.Opened.ToString("N0", En)),
        (Texts.Get("Requests resolved"), r.Resolved.ToString("N0", En)),
        (Texts.Get("Requests closed"), r.Closed.ToString("N0", En)),
        (Texts.Get("Backlog (open now)"), Texts.Get("{0} ({1} overdue)", r.Backlog.Total.ToString("N0", En), r.Backlog.Overdue.ToString("N0", En))),
        (Texts.Get("Response SLA met"), Texts.Get("{0} ({1} of {2})", Percent(r.Overall.ResponseMetPercent), r.Overall.ResponseMet, r.Overall.ResponseEvaluated)),
        (Texts.Get("Resolution SLA met"), Texts.Get("{0} ({1} of {2})", Percent(r.Overall.ResolutionMetPercent), r.Overall.ResolutionMet, r.Overall.ResolutionEvaluated)),
        (Texts.Get("Median time to triage"), Hours(r.Medians.HoursToTriage)),
        (Texts.Get("Median time to assign"), Hours(r.Medians.HoursToAssign)),
        (Texts.Get("Median time to resolve"), Hours(r.Medians.HoursToResolve)),
        (Texts.Get("Reopen rate"), Percent(r.ReopenRatePercent)),
        (Texts.Get("Citizen satisfaction"), r.AverageRating is { } a ? Texts.Get("{0} / 5 ({1} ratings)", a.ToString("0.0", En), r.Ratings) : Texts.Get("no ratings")),
    ];

    private static void DrawTrend(SKCanvas c, ShapedText writer, IReadOnlyList<TrendPoint> trend, SKRect area, SKFont font, SKPaint ink, SKPaint muted, SKPaint rule)
    {
        // The chart keeps time running left to right in every language (as charts in Arabic do); its labels are shaped.
        var plot = new SKRect(area.Left + 30, area.Top + 4, area.Right - 90, area.Bottom - 18);
        c.DrawLine(plot.Left, plot.Bottom, plot.Right, plot.Bottom, rule);
        c.DrawLine(plot.Left, plot.Top, plot.Left, plot.Bottom, rule);
        if (trend.Count == 0) return;
        var max = Math.Max(1, trend.Max(t => Math.Max(t.Opened, t.Resolved)));
        writer.DrawPhysical(c, max.ToString(En), plot.Left - 4, plot.Top + font.Size, SKTextAlign.Right, font, muted);
        writer.DrawPhysical(c, 0.ToString(En), plot.Left - 4, plot.Bottom, SKTextAlign.Right, font, muted);
        writer.DrawPhysical(c, trend[0].Day.ToString("d MMM", En), plot.Left, area.Bottom, SKTextAlign.Left, font, muted);
        writer.DrawPhysical(c, trend[^1].Day.ToString("d MMM", En), plot.Right, area.Bottom, SKTextAlign.Right, font, muted);
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
            writer.DrawPhysical(c, name, plot.Right + 30, legendY, SKTextAlign.Left, font, ink);
        }
        Series(t => t.Opened, new SKColor(0x1e, 0x5a, 0xa8), Texts.Get("Opened"), plot.Top + 12);
        Series(t => t.Resolved, new SKColor(0x2e, 0x9d, 0x5b), Texts.Get("Resolved"), plot.Top + 28);
    }

    private static string? Day(DateTime? d) => d?.ToString("yyyy-MM-dd", En);
    private static string Clip(string s, int n) => s.Length <= n ? s : s[..(n - 1)] + "…";
    public static string Percent(double? p) => p is { } v ? v.ToString("0.0", En) + " %" : "—";
    public static string Hours(double? h) => h switch
    {
        null => "—",
        < 48 => Texts.Get("{0} h", h.Value.ToString("0.0", En)),
        _ => Texts.Get("{0} d", (h.Value / 24).ToString("0.0", En)),
    };

    /// <summary>
    /// Draws text shaped by HarfBuzz. HarfBuzz shapes one direction at a time, so a line is first cut into runs by a
    /// small subset of the Unicode bidi algorithm (Arabic letters, Latin letters, numbers, and the neutrals between
    /// them), each run shaped on its own and the runs laid out in the paragraph's direction. Enough for labels, names,
    /// request numbers and figures such as "12 (3 متأخرة)".
    /// </summary>
    private sealed class ShapedText(bool rightToLeft) : IDisposable
    {
        private readonly Dictionary<SKTypeface, SKShaper> _shapers = [];

        /// <summary>x from the page's start edge (mirrored for right-to-left), align as for left-to-right.</summary>
        public void Draw(SKCanvas c, string text, float x, float y, SKTextAlign align, SKFont font, SKPaint paint)
        {
            if (!rightToLeft) { DrawPhysical(c, text, x, y, align, font, paint); return; }
            var mirrored = align switch { SKTextAlign.Left => SKTextAlign.Right, SKTextAlign.Right => SKTextAlign.Left, _ => align };
            DrawPhysical(c, text, PageWidth - x, y, mirrored, font, paint);
        }

        /// <summary>x on the page as it is; the text's own runs still go in the paragraph's direction.</summary>
        public void DrawPhysical(SKCanvas c, string text, float x, float y, SKTextAlign align, SKFont font, SKPaint paint)
        {
            if (text.Length == 0) return;
            var shaper = Shaper(font.Typeface);
            var runs = VisualRuns(text, rightToLeft).Select(r => Shape(shaper, r.Text, r.RightToLeft, font)).ToList();
            var total = runs.Sum(r => r.Width);
            var left = align switch { SKTextAlign.Right => x - total, SKTextAlign.Center => x - total / 2, _ => x };
            foreach (var run in runs)
            {
                if (run.Codepoints.Length > 0)
                {
                    using var builder = new SKTextBlobBuilder();
                    var glyphs = builder.AllocatePositionedRun(font, run.Codepoints.Length);
                    glyphs.SetGlyphs(run.Codepoints.Select(g => (ushort)g).ToArray());
                    glyphs.SetPositions(run.Points);
                    using var blob = builder.Build();
                    c.DrawText(blob, left, y, paint);
                }
                left += run.Width;
            }
        }

        /// <summary>Shapes in the given direction (HarfBuzz would guess right to left for "1٬234" from its separator).</summary>
        private static SKShaper.Result Shape(SKShaper shaper, string text, bool rtl, SKFont font)
        {
            using var buffer = new HarfBuzzSharp.Buffer();
            buffer.AddUtf16(text);
            buffer.GuessSegmentProperties();
            buffer.Direction = rtl ? HarfBuzzSharp.Direction.RightToLeft : HarfBuzzSharp.Direction.LeftToRight;
            return shaper.Shape(buffer, font);
        }

        private SKShaper Shaper(SKTypeface typeface) =>
            _shapers.TryGetValue(typeface, out var s) ? s : _shapers[typeface] = new SKShaper(typeface);

        private enum Kind { Rtl, Ltr, Number, Neutral }

        private static Kind KindOf(char ch) => ch switch
        {
            >= '0' and <= '9' or >= '\u0660' and <= '\u0669' or >= '\u06F0' and <= '\u06F9' => Kind.Number,
            '\u066B' or '\u066C' or '\u066A' => Kind.Neutral, // Arabic decimal and thousands separators, per cent
            >= '\u0590' and <= '\u08FF' or >= '\uFB1D' and <= '\uFDFF' or >= '\uFE70' and <= '\uFEFF' => Kind.Rtl,
            _ when char.IsLetter(ch) => Kind.Ltr,
            _ => Kind.Neutral,
        };

        /// <summary>
        /// The text as runs in visual order (left to right), each to be shaped left to right by HarfBuzz except runs of
        /// Arabic letters, which HarfBuzz itself lays right to left. Numbers keep their separators; a number after Latin
        /// letters belongs to them ("CST-2026-000001"); in a right-to-left paragraph neutrals between numbers take the
        /// paragraph's direction; brackets in right-to-left runs are mirrored.
        /// </summary>
        public static IReadOnlyList<(string Text, bool RightToLeft)> VisualRuns(string text, bool rightToLeft)
        {
            var kinds = text.Select(KindOf).ToArray();
            for (var i = 1; i < kinds.Length - 1; i++) // separators inside a number: 1,234.5 and 1٬234٫5
                if (kinds[i] == Kind.Neutral && kinds[i - 1] == Kind.Number && kinds[i + 1] == Kind.Number && text[i] is '.' or ',' or '\u066B' or '\u066C' or ':' or '/')
                    kinds[i] = Kind.Number;
            Kind? lastStrong = null;
            for (var i = 0; i < kinds.Length; i++) // a number after Latin letters is part of them (bidi rule W7)
            {
                if (kinds[i] is Kind.Rtl or Kind.Ltr) lastStrong = kinds[i];
                else if (kinds[i] == Kind.Number && lastStrong == Kind.Ltr) kinds[i] = Kind.Ltr;
            }
            // Levels: even = left to right, odd = right to left; numbers in an Arabic paragraph count as right to left
            // when deciding the direction of the neutrals around them (rule N1) but read left to right themselves.
            var paragraph = rightToLeft ? 1 : 0;
            int Level(Kind k) => k switch { Kind.Rtl => 1, Kind.Ltr => rightToLeft ? 2 : 0, Kind.Number => rightToLeft ? 2 : 0, _ => -1 };
            int Side(Kind k) => k == Kind.Number && rightToLeft ? 1 : Level(k) % 2;
            var levels = kinds.Select(Level).ToArray();
            for (var i = 0; i < levels.Length; i++)
            {
                if (levels[i] >= 0) continue;
                var j = i;
                while (j < levels.Length && levels[j] < 0) j++;
                var before = i == 0 ? paragraph : Side(kinds[i - 1]);
                var after = j == levels.Length ? paragraph : Side(kinds[j]);
                var level = before == after ? (before == 1 ? 1 : rightToLeft ? 2 : 0) : paragraph;
                for (var k = i; k < j; k++) levels[k] = level;
                i = j - 1;
            }
            var runs = new List<(int Level, string Text)>();
            for (var i = 0; i < text.Length;)
            {
                var j = i;
                while (j < text.Length && levels[j] == levels[i]) j++;
                runs.Add((levels[i], text[i..j]));
                i = j;
            }
            // Odd-level runs read right to left: HarfBuzz lays out (and mirrors) those with Arabic letters; a run of
            // neutrals only is reversed and mirrored here, then shaped left to right.
            var shaped = runs.Select(r => r.Level % 2 == 0 ? (r.Text, false)
                : r.Text.Any(ch => KindOf(ch) == Kind.Rtl) ? (r.Text, true) : (new string(Mirror(r.Text).Reverse().ToArray()), false)).ToList();
            var order = Enumerable.Range(0, runs.Count).ToList();
            if (rightToLeft) order.Reverse(); // every run sits inside the right-to-left paragraph
            else
            {
                // In a left-to-right paragraph only consecutive right-to-left runs swap places.
                for (var i = 0; i < order.Count;)
                {
                    var j = i;
                    while (j < order.Count && runs[order[j]].Level % 2 == 1) j++;
                    if (j > i) { order.Reverse(i, j - i); i = j; } else i++;
                }
            }
            return order.Select(i => shaped[i]).ToList();
        }

        private static string Mirror(string s) => new(s.Select(ch => ch switch
        {
            '(' => ')', ')' => '(', '[' => ']', ']' => '[', '<' => '>', '>' => '<', '«' => '»', '»' => '«', _ => ch,
        }).ToArray());

        public void Dispose()
        {
            foreach (var s in _shapers.Values) s.Dispose();
        }
    }
}
