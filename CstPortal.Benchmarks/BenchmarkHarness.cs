using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using CstPortal.Data;
using CstPortal.Features.Analytics;
using CstPortal.Features.Assignment;
using CstPortal.Features.Geo;
using CstPortal.Features.Workflow;
using CstPortal.Features.Duplicates;
using CstPortal.Features.Notifications;
using CstPortal.Features.Requests;
using CstPortal.Features.Sla;
using Microsoft.Data.Sqlite;
using Npgsql;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CstPortal.Benchmarks;

/// <summary>The app under test: its address on 127.0.0.1, its process (for peak memory) and its data directory.</summary>
/// <param name="Database">The app's database; null = SQLite in <paramref name="DataDirectory"/>.</param>
public sealed record BenchTarget(Uri BaseAddress, int ProcessId, string DataDirectory, string ApiKey = "riverton-demo-key", DatabaseTarget? Database = null);

/// <summary>How long and how hard each measure runs.</summary>
public sealed record BenchSettings(TimeSpan IntakeDuration, TimeSpan MeasureDuration, int IntakeClients = 32, int ReadClients = 4, int MaxRequestsPerMeasure = 1_000_000,
    int AutoAssignCount = 10_000, TimeSpan? AutoAssignBudget = null, BrowserSettings? Browser = null)
{
    /// <summary>Circuits and page loads of the browser measures (the counts unless told).</summary>
    public BrowserSettings BrowserRuns => Browser ?? new BrowserSettings();

    /// <summary>The auto-assignment measure stops after this long even when requests are left (they are counted).</summary>
    public TimeSpan AutoAssignLimit => AutoAssignBudget ?? TimeSpan.FromSeconds(120);
}

/// <summary>One row of the results table.</summary>
public sealed record BenchRow(string Measure, string Goal, LoadResult? Load, int Errors, string PeakMemory, string Result, string? Throughput = null);

/// <summary>
/// Runs every measure against a running app and its database: HTTP measures through the loopback load client,
/// service measures (KPI, duplicates, SLA sweep, CSV export) in this process with the app's own services on
/// the same database file. Never judges the machine: it reports figures and whether each goal is met.
/// </summary>
public sealed class BenchmarkHarness(BenchTarget target, BenchSettings settings, TextWriter log)
{
    public static readonly string[] MeasureNames =
    [
        "HTTP floor: GET /bench/empty, 32 clients",
        "intake: Open311 POST requests.json, 32 clients",
        "heat feed, whole city (open, zoom 13)",
        "GeoJSON points, street-level bbox",
        "KPI dashboard, 90 days, no filter (KpiService, in-process)",
        "KPI floor: hand-written SQL, 90 days",
        "duplicate candidates at submit (DuplicateFinder, in-process)",
        "SLA sweep, one pass (SlaSweep, in-process)",
        "CSV export of 100,000 requests (ExportService, in-process)",
        "auto-assignment of 10,000 triaged (AutoAssignService, in-process)",
        "PDF SLA report for a year (ExportService, in-process)",
        "database size per request",
        "report page, first load in Chromium: largest contentful paint",
        "manager map: drawn and interactive (Chromium)",
        "Blazor: agent workbench circuits (Chromium pages, idle)",
    ];

    private readonly List<string> _notes = [];
    public IReadOnlyList<string> Notes => _notes;

    public async Task<IReadOnlyList<BenchRow>> RunAsync(CancellationToken ct = default)
    {
        var rows = new List<BenchRow>();
        var services = BuildServices(Database);
        var clock = TimeProvider.System;
        using var http = LoadClient.LoopbackClient(target.BaseAddress, Math.Max(settings.IntakeClients, settings.ReadClients));

        var totalRequests = await ScalarAsync("""SELECT COUNT(*) FROM "ServiceRequests" """, ct);
        var open = await ScalarAsync("""SELECT COUNT(*) FROM "ServiceRequests" WHERE "Status" IN ('New','Triaged','Assigned','InProgress')""", ct);
        _notes.Add(string.Create(CultureInfo.InvariantCulture, $"Database before the run: {totalRequests:N0} requests, {open:N0} open ({100.0 * open / Math.Max(1, totalRequests):0.0}%)."));

        // 1. HTTP floor
        Log(MeasureNames[0]);
        var empty = await LoadClient.RunAsync(settings.IntakeClients, settings.MeasureDuration, settings.MaxRequestsPerMeasure, async (_, c) =>
        {
            using var r = await http.GetAsync("bench/empty", c);
            return r.IsSuccessStatusCode;
        }, ct);
        rows.Add(new BenchRow(MeasureNames[0], "(floor)", empty, empty.Errors, AppMemory(), "floor for HTTP overhead"));

        // 2. Intake
        Log(MeasureNames[1]);
        var codes = await IntakeServiceCodesAsync(services, ct);
        var answered = new System.Collections.Concurrent.ConcurrentBag<string>();
        var intake = await LoadClient.RunAsync(settings.IntakeClients, settings.IntakeDuration, settings.MaxRequestsPerMeasure, async (n, c) =>
        {
            var rng = new Random(n);
            var (lat, lng) = RandomPoint(rng);
            using var form = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["api_key"] = target.ApiKey,
                ["service_code"] = codes[n % codes.Count],
                ["lat"] = lat.ToString("0.000000", CultureInfo.InvariantCulture),
                ["long"] = lng.ToString("0.000000", CultureInfo.InvariantCulture),
                ["description"] = $"Benchmark report {n}: please have a look.",
            });
            using var r = await http.PostAsync("open311/v2/requests.json", form, c);
            if (!r.IsSuccessStatusCode) return false;
            using var doc = JsonDocument.Parse(await r.Content.ReadAsStringAsync(c));
            var id = doc.RootElement.EnumerateArray().Select(e => e.TryGetProperty("service_request_id", out var v) ? v.GetString() : null).FirstOrDefault();
            if (string.IsNullOrEmpty(id)) return false;
            answered.Add(id);
            return true;
        }, ct);
        var missing = await MissingNumbersAsync(answered.ToList(), ct);
        _notes.Add($"Intake: {answered.Count:N0} ids answered, {missing:N0} of them missing from the database afterwards.");
        var intakeErrors = intake.Errors + missing;
        rows.Add(new BenchRow(MeasureNames[1], "≥ 2,000 req/s, p99 ≤ 50 ms, 0 errors, every id stored", intake, intakeErrors, AppMemory(),
            Verdict(intake.Throughput >= 2000 && intake.Percentile(0.99) <= 50 && intakeErrors == 0)));

        // 3. Heat feed, whole city
        Log(MeasureNames[2]);
        var cityBox = FormattableString.Invariant($"{Plan.LngLines[0]},{Plan.LatLines[0]},{Plan.LngLines[^1]},{Plan.LatLines[^1]}");
        var heat = await LoadClient.RunAsync(settings.ReadClients, settings.MeasureDuration, settings.MaxRequestsPerMeasure, async (_, c) =>
        {
            using var r = await http.GetAsync($"api/geo/heat.json?bbox={cityBox}&zoom=13", c);
            await r.Content.CopyToAsync(Stream.Null, c);
            return r.IsSuccessStatusCode;
        }, ct);
        rows.Add(new BenchRow(MeasureNames[2], "p95 ≤ 50 ms", heat, heat.Errors, AppMemory(), Verdict(heat.Percentile(0.95) <= 50 && heat.Errors == 0)));

        // 4. GeoJSON, street-level bbox (about 340 m × 330 m around the centre)
        Log(MeasureNames[3]);
        var street = FormattableString.Invariant($"{Plan.CenterLng - 0.002},{Plan.CenterLat - 0.0015},{Plan.CenterLng + 0.002},{Plan.CenterLat + 0.0015}");
        var maxFeatures = 0;
        var geo = await LoadClient.RunAsync(settings.ReadClients, settings.MeasureDuration, settings.MaxRequestsPerMeasure, async (_, c) =>
        {
            using var r = await http.GetAsync($"api/geo/requests.geojson?bbox={street}&pageSize=2000", c);
            if (!r.IsSuccessStatusCode) return false;
            using var doc = JsonDocument.Parse(await r.Content.ReadAsStreamAsync(c));
            var features = doc.RootElement.GetProperty("features").GetArrayLength();
            InterlockedMax(ref maxFeatures, features);
            return true;
        }, ct);
        _notes.Add($"GeoJSON street-level bbox {street}: up to {maxFeatures:N0} features per answer.");
        rows.Add(new BenchRow(MeasureNames[3], "p95 ≤ 30 ms (≤ 2,000 features)", geo, geo.Errors, AppMemory(), Verdict(geo.Percentile(0.95) <= 30 && geo.Errors == 0 && maxFeatures <= 2000)));

        // 5 and 6. KPI dashboard vs hand-written SQL
        var from = clock.GetUtcNow().UtcDateTime.AddDays(-90);
        var kpis = services.GetRequiredService<KpiService>();
        Log(MeasureNames[4]);
        var kpi = await LoadClient.RunAsync(1, settings.MeasureDuration, settings.MaxRequestsPerMeasure, async (_, c) =>
        {
            var report = await kpis.ReportAsync(new AnalyticsFilter { From = from }, c);
            return report is not null;
        }, ct);
        Log(MeasureNames[5]);
        var hand = await LoadClient.RunAsync(1, settings.MeasureDuration, settings.MaxRequestsPerMeasure, async (_, c) =>
            await HandWrittenKpiSql.RunAsync(Database, from, c) >= 0, ct);
        var ratio = kpi.Percentile(0.5) / Math.Max(0.001, hand.Percentile(0.5));
        rows.Add(new BenchRow(MeasureNames[4], "≤ 200 ms and ≤ 1.5 × hand SQL", kpi, kpi.Errors, HarnessMemory(),
            Verdict(kpi.Percentile(0.95) <= 200 && ratio <= 1.5 && kpi.Errors == 0) + string.Create(CultureInfo.InvariantCulture, $" (p50 ratio {ratio:0.0} ×)")));
        rows.Add(new BenchRow(MeasureNames[5], "(floor)", hand, hand.Errors, HarnessMemory(), "floor: the same figures by hand from the same tables (summary + live parts)"));

        // 7. Duplicate candidates
        Log(MeasureNames[6]);
        var finder = services.GetRequiredService<DuplicateFinder>();
        var categoryIds = await CategoryIdsAsync(services, ct);
        var dup = await LoadClient.RunAsync(1, settings.MeasureDuration, settings.MaxRequestsPerMeasure, async (n, c) =>
        {
            var (lat, lng) = RandomPoint(new Random(n));
            await finder.FindAsync(categoryIds[n % categoryIds.Count], lat, lng, "Deep pothole near the entrance", ct: c);
            return true;
        }, ct);
        rows.Add(new BenchRow(MeasureNames[6], "p95 ≤ 5 ms", dup, dup.Errors, HarnessMemory(), Verdict(dup.Percentile(0.95) <= 5 && dup.Errors == 0)));

        // 8. SLA sweep: the first pass fires what is due; later passes find little to do.
        Log(MeasureNames[7]);
        var sweep = services.GetRequiredService<SlaSweep>();
        var fired = 0;
        var sla = await LoadClient.RunAsync(1, settings.MeasureDuration, 20, async (_, c) =>
        {
            var result = await sweep.RunAsync(c);
            if (fired == 0) fired = result.LevelsFired;
            return true;
        }, ct);
        _notes.Add(string.Create(CultureInfo.InvariantCulture, $"SLA sweep: {open:N0} open requests; first pass fired {fired:N0} escalation levels and took {sla.LatenciesMs.FirstOrDefault():N0} ms; {sla.Requests} passes in all."));
        rows.Add(new BenchRow(MeasureNames[7], "one pass ≤ 500 ms (100,000 open)", sla, sla.Errors, HarnessMemory(), Verdict(sla.Percentile(0.5) <= 500 && sla.Errors == 0) + " (p50 of passes)"));

        // 9. CSV export of the newest 100,000 requests (or all, when fewer)
        Log(MeasureNames[8]);
        var exports = services.GetRequiredService<ExportService>();
        var exportFrom = await NewestFromAsync(100_000, ct);
        long rowsWritten = 0;
        var before = Machine.PeakMemoryMiB(Environment.ProcessId) ?? 0;
        var csv = await LoadClient.RunAsync(1, settings.MeasureDuration, 3, async (_, c) =>
        {
            var counter = new CountingStream();
            rowsWritten = await exports.WriteCsvAsync(new AnalyticsFilter { From = exportFrom }, counter, c);
            return counter.Length > 0;
        }, ct);
        var after = Machine.PeakMemoryMiB(Environment.ProcessId) ?? 0;
        _notes.Add(string.Create(CultureInfo.InvariantCulture, $"CSV export: {rowsWritten:N0} rows per export; harness peak memory {before:N0} MiB before, {after:N0} MiB after (+{after - before:N0} MiB)."));
        rows.Add(new BenchRow(MeasureNames[8], "≤ 5 s, memory flat", csv, csv.Errors, HarnessMemory(),
            Verdict(csv.Percentile(0.95) <= 5000 && after - before <= 100 && csv.Errors == 0) + string.Create(CultureInfo.InvariantCulture, $" ({rowsWritten:N0} rows, +{after - before:N0} MiB)")));

        // 10. Auto-assignment: the newest New requests become triaged street-light requests (the auto-assign category),
        // then the app's AutoAssignService works them off in its batches of 500 until none is left or the budget ends.
        Log(MeasureNames[9]);
        var autoAssign = services.GetRequiredService<AutoAssignService>();
        var triaged = await PrepareTriagedAsync(settings.AutoAssignCount, ct);
        var assignWatch = Stopwatch.StartNew();
        var batchMs = new List<double>();
        var handled = 0;
        var assignedToAgent = 0;
        // The job's own call (AssignPendingAsync: the next batch, chosen against one snapshot and written in one unit of
        // work), repeated until nothing is left or the budget ends; latencies are per batch.
        while (assignWatch.Elapsed < settings.AutoAssignLimit)
        {
            var one = Stopwatch.StartNew();
            var results = await autoAssign.AssignPendingAsync(ct);
            if (results.Count == 0) break;
            batchMs.Add(one.Elapsed.TotalMilliseconds);
            handled += results.Count(r => r.Outcome != AutoAssignOutcome.Skipped);
            assignedToAgent += results.Count(r => r.Outcome == AutoAssignOutcome.AssignedToAgent);
            if (results.All(r => r.Outcome == AutoAssignOutcome.Skipped)) break; // nothing the job can do for what is left
        }
        var assignSeconds = assignWatch.Elapsed.TotalSeconds;
        var assignLoad = new LoadResult(batchMs.Count, 0, assignSeconds, batchMs);
        var leftTriaged = await ScalarAsync("""SELECT COUNT(*) FROM "ServiceRequests" r JOIN "Categories" c ON c."Id" = r."CategoryId" WHERE r."Status" = 'Triaged' AND c."AutoAssign" = TRUE""", ct);
        _notes.Add(string.Create(CultureInfo.InvariantCulture,
            $"Auto-assignment: {triaged:N0} requests made triaged in the auto-assign category; the harness assigned {handled:N0} ({assignedToAgent:N0} to an agent, the rest to a team queue) in {assignSeconds:0.0} s ({batchMs.Count:N0} batches); {leftTriaged:N0} still triaged afterwards (the app's own auto-assign job may take some too)."));
        rows.Add(new BenchRow(MeasureNames[9], "≤ 10 s in all", assignLoad, 0, HarnessMemory(),
            Verdict(leftTriaged == 0 && assignSeconds <= 10) + string.Create(CultureInfo.InvariantCulture, $" ({handled:N0} in {assignSeconds:0.0} s; latencies are per batch of up to {AutoAssignService.BatchSize})"),
            Throughput: (handled / Math.Max(0.001, assignSeconds)).ToString("N1", CultureInfo.InvariantCulture)));

        // 11. PDF SLA report for the last year
        Log(MeasureNames[10]);
        var yearFrom = clock.GetUtcNow().UtcDateTime.AddDays(-365);
        long pdfBytes = 0;
        var pdf = await LoadClient.RunAsync(1, settings.MeasureDuration, 3, async (_, c) =>
        {
            var counter = new CountingStream();
            await exports.WriteSlaPdfAsync(new AnalyticsFilter { From = yearFrom }, counter, c);
            pdfBytes = counter.Length;
            return counter.Length > 0;
        }, ct);
        _notes.Add(string.Create(CultureInfo.InvariantCulture, $"PDF SLA report for a year: {pdfBytes:N0} bytes."));
        rows.Add(new BenchRow(MeasureNames[10], "≤ 3 s", pdf, pdf.Errors, HarnessMemory(), Verdict(pdf.Percentile(0.95) <= 3000 && pdf.Errors == 0)));

        // 12. Database size per request
        Log(MeasureNames[11]);
        var count = await ScalarAsync("""SELECT COUNT(*) FROM "ServiceRequests" """, ct);
        var bytes = Database.Provider == DatabaseProvider.PostgreSQL
            ? await ScalarAsync("SELECT pg_database_size(current_database())", ct)
            : new[] { "", "-wal" }.Select(s => new FileInfo(DatabaseFile + s)).Where(f => f.Exists).Sum(f => f.Length);
        var perRequest = bytes / (double)Math.Max(1, count);
        rows.Add(new BenchRow(MeasureNames[11], "≤ 1.5 KB per request", null, 0, AppMemory(),
            Verdict(perRequest <= 1536) + string.Create(CultureInfo.InvariantCulture, $": {perRequest / 1024:0.00} KB ({bytes / 1048576.0:N0} MiB / {count:N0})")));

        // 13 to 15. Browser measures: Debian's Chromium through Playwright against the app.
        rows.AddRange(await BrowserRowsAsync(ct));

        await services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        return rows;
    }

    /// <summary>The three browser rows (report page LCP, manager map, circuits); also on their own with --browser-only.</summary>
    public async Task<IReadOnlyList<BenchRow>> BrowserRowsAsync(CancellationToken ct = default)
    {
        var rows = new List<BenchRow>();
        var agentWork = await ScalarAsync($"""
            SELECT COUNT(*) FROM "ServiceRequests" r JOIN "Agents" a ON a."Id" = r."AssignedAgentId" JOIN "AspNetUsers" u ON u."Id" = a."UserId"
             WHERE u."NormalizedEmail" = 'AGENT@{Data.DemoCity.DemoCityPlan.EmailDomain.ToUpperInvariant()}' AND r."Status" IN ('Assigned','InProgress')
            """, ct);
        var open = await ScalarAsync("""SELECT COUNT(*) FROM "ServiceRequests" WHERE "Status" IN ('New','Triaged','Assigned','InProgress')""", ct);
        await using var browser = await BrowserMeasures.StartAsync(target, settings.BrowserRuns, _notes, AppMemory);
        // The page loads first: the circuits measure leaves the app holding (and still rendering) whatever it opened.
        Log(MeasureNames[12]);
        rows.Add(await browser.ReportLcpAsync(MeasureNames[12], ct));
        Log(MeasureNames[13]);
        rows.Add(await browser.ManagerMapAsync(MeasureNames[13], open, ct));
        Log(MeasureNames[14]);
        rows.Add(await browser.CircuitsAsync(MeasureNames[14], agentWork, ct));
        return rows;
    }

    /// <summary>
    /// One SLA sweep right after seeding, in this process: the generator leaves overdue open requests whose
    /// escalations were never recorded, and the first sweep fires them all. Done before the app starts so its
    /// own start-up sweep does not compete with the measures. Returns (seconds, levels fired).
    /// </summary>
    public static async Task<(double Seconds, int Fired)> SettleSlaAsync(string dataDirectory, DatabaseTarget? database = null, CancellationToken ct = default)
    {
        await using var services = BuildServices(database ?? DatabaseTarget.Sqlite(dataDirectory));
        var watch = Stopwatch.StartNew();
        var result = await services.GetRequiredService<SlaSweep>().RunAsync(ct);
        SqliteConnection.ClearAllPools();
        return (watch.Elapsed.TotalSeconds, result.LevelsFired);
    }

    /// <summary>
    /// Profiling aid (not part of a run): the KPI report for 90 days on an existing benchmark database, with every SQL
    /// command and its time written out (EF Core's command log), so the slow queries can be read off.
    /// </summary>
    public static async Task<int> ProfileKpiAsync(string dataDirectory, TextWriter output)
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Information).AddFilter((category, _) => category == "Microsoft.EntityFrameworkCore.Database.Command")
            .AddSimpleConsole(o => o.SingleLine = true));
        services.AddSingleton(TimeProvider.System);
        services.AddDbContextFactory<CstDbContext>(o => o.UseSqlite(DatabaseSetup.SqliteConnectionString(dataDirectory)));
        services.AddSingleton<KpiService>();
        await using var provider = services.BuildServiceProvider();
        var kpis = provider.GetRequiredService<KpiService>();
        for (var round = 1; round <= 2; round++)
        {
            var watch = Stopwatch.StartNew();
            await kpis.ReportAsync(new AnalyticsFilter { From = DateTime.UtcNow.AddDays(-90) });
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"KPI report round {round}: {watch.ElapsedMilliseconds} ms"));
        }
        // Then quietly, ten more of each, and the hand-written floor alongside: the medians to compare.
        var quiet = new ServiceCollection().AddSingleton(TimeProvider.System).AddSingleton<KpiService>()
            .AddDbContextFactory<CstDbContext>(o => o.UseSqlite(DatabaseSetup.SqliteConnectionString(dataDirectory))).BuildServiceProvider();
        var quietKpis = quiet.GetRequiredService<KpiService>();
        await quietKpis.ReportAsync(new AnalyticsFilter { From = DateTime.UtcNow.AddDays(-90) });
        await HandWrittenKpiSql.RunAsync(DatabaseTarget.Sqlite(dataDirectory), DateTime.UtcNow.AddDays(-90), CancellationToken.None);
        var report = new List<double>();
        var floor = new List<double>();
        for (var round = 0; round < 10; round++)
        {
            var watch = Stopwatch.StartNew();
            await quietKpis.ReportAsync(new AnalyticsFilter { From = DateTime.UtcNow.AddDays(-90) });
            report.Add(watch.Elapsed.TotalMilliseconds);
            watch.Restart();
            await HandWrittenKpiSql.RunAsync(DatabaseTarget.Sqlite(dataDirectory), DateTime.UtcNow.AddDays(-90), CancellationToken.None);
            floor.Add(watch.Elapsed.TotalMilliseconds);
        }
        double Median(List<double> xs) => xs.Order().ElementAt(xs.Count / 2);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"KPI report, 10 warm rounds: median {Median(report):0.0} ms; hand-written floor: median {Median(floor):0.0} ms; ratio {Median(report) / Median(floor):0.00}"));
        return 0;
    }

    /// <summary>A dated Markdown section: the machine, the notes and the table.</summary>
    public string Markdown(string title, DateTimeOffset date, IReadOnlyList<BenchRow> rows, IEnumerable<string> extraNotes)
    {
        var s = new StringBuilder();
        s.AppendLine(CultureInfo.InvariantCulture, $"## {title} — {date:yyyy-MM-dd HH:mm} UTC").AppendLine();
        s.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Machine.Describe()}.").AppendLine();
        foreach (var n in extraNotes.Concat(_notes)) s.AppendLine(CultureInfo.InvariantCulture, $"- {n}");
        s.AppendLine();
        s.AppendLine("| measure | goal | p50 ms | p95 ms | p99 ms | throughput /s | errors | peak memory (VmHWM) | result vs goal |");
        s.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var r in rows)
        {
            string Ms(double q) => r.Load is { } l ? l.Percentile(q).ToString("0.0", CultureInfo.InvariantCulture) : "–";
            var tput = r.Throughput ?? (r.Load is { } l2 ? l2.Throughput.ToString("N1", CultureInfo.InvariantCulture) : "–");
            s.AppendLine(CultureInfo.InvariantCulture, $"| {r.Measure} | {r.Goal} | {Ms(0.5)} | {Ms(0.95)} | {Ms(0.99)} | {tput} | {r.Errors} | {r.PeakMemory} | {r.Result} |");
        }
        s.AppendLine();
        return s.ToString();
    }

    private string DatabaseFile => Path.Combine(target.DataDirectory, "cstportal.db");
    private DatabaseTarget Database => target.Database ?? DatabaseTarget.Sqlite(target.DataDirectory);

    /// <summary>A read-only look at the benchmark database, outside the app's services (SQLite file or PostgreSQL).</summary>
    private Task<DbConnection> OpenAsync(CancellationToken ct) => HandWrittenKpiSql.OpenAsync(Database, ct);

    private static class Plan
    {
        public static double[] LatLines => Data.DemoCity.DemoCityPlan.LatLines;
        public static double[] LngLines => Data.DemoCity.DemoCityPlan.LngLines;
        public static double CenterLat => Data.DemoCity.DemoCityPlan.CenterLat;
        public static double CenterLng => Data.DemoCity.DemoCityPlan.CenterLng;
    }

    private static (double Lat, double Lng) RandomPoint(Random rng) =>
        (Plan.LatLines[0] + rng.NextDouble() * (Plan.LatLines[^1] - Plan.LatLines[0]) * 0.98 + 0.0004,
         Plan.LngLines[0] + rng.NextDouble() * (Plan.LngLines[^1] - Plan.LngLines[0]) * 0.98 + 0.0004);

    private static string Verdict(bool met) => met ? "met" : "NOT met";

    private string AppMemory() => Machine.PeakMemoryMiB(target.ProcessId) is { } m ? string.Create(CultureInfo.InvariantCulture, $"{m:N0} MiB (app)") : "–";

    private static string HarnessMemory() => Machine.PeakMemoryMiB(Environment.ProcessId) is { } m ? string.Create(CultureInfo.InvariantCulture, $"{m:N0} MiB (harness)") : "–";

    private void Log(string measure) => log.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {measure}");

    private static void InterlockedMax(ref int location, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref location)) < value && Interlocked.CompareExchange(ref location, value, seen) != seen) { }
    }

    /// <summary>The app's services that the in-process measures call, on the benchmark database.</summary>
    private static ServiceProvider BuildServices(DatabaseTarget database)
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton(TimeProvider.System);
        services.AddCstDatabase(_ => database);
        services.AddSingleton<CstPortal.Common.ILiveBackplane, CstPortal.Common.InProcessBackplane>(); // the measures run in one process
        services.AddSingleton<RequestEvents>();
        services.AddSingleton<NotificationEvents>();
        services.AddSingleton<KpiService>();
        services.AddSingleton<ExportService>();
        services.AddSingleton<DuplicateFinder>();
        services.AddSingleton<SlaSweep>();
        services.AddOptions<Common.CstOptions>();
        services.AddSingleton<ZoneDirectory>();
        services.AddSingleton<WorkflowService>();
        services.AddSingleton<CitizenLimits>(); // the workflow asks it for the per-user action budget (the system actor has none)
        services.AddSingleton<AutoAssignService>();
        return services.BuildServiceProvider();
    }

    private static async Task<List<string>> IntakeServiceCodesAsync(IServiceProvider services, CancellationToken ct)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<CstDbContext>>().CreateDbContextAsync(ct);
        // Categories without required questions: an Open311 client posts no attributes.
        return await db.Categories.AsNoTracking().Where(c => !c.Questions.Any(q => q.Required)).OrderBy(c => c.Id).Select(c => c.ServiceCode).ToListAsync(ct);
    }

    private static async Task<List<int>> CategoryIdsAsync(IServiceProvider services, CancellationToken ct)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<CstDbContext>>().CreateDbContextAsync(ct);
        return await db.Categories.AsNoTracking().OrderBy(c => c.Id).Select(c => c.Id).ToListAsync(ct);
    }

    private async Task<long> ScalarAsync(string sql, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }

    /// <summary>Makes up to <paramref name="count"/> of the newest New requests triaged in the auto-assign category; returns how many.</summary>
    private async Task<int> PrepareTriagedAsync(int count, CancellationToken ct)
    {
        await using var connection = await HandWrittenKpiSql.OpenAsync(Database, ct, write: true);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            UPDATE "ServiceRequests"
               SET "Status" = 'Triaged', "TriagedAt" = "CreatedAt", "Version" = "Version" + 1,
                   "CategoryId" = (SELECT "Id" FROM "Categories" WHERE "AutoAssign" = TRUE ORDER BY "Id" LIMIT 1)
             WHERE "Id" IN (SELECT "Id" FROM "ServiceRequests" WHERE "Status" = 'New' ORDER BY "Id" DESC LIMIT @n)
               AND EXISTS (SELECT 1 FROM "Categories" WHERE "AutoAssign" = TRUE);
            """;
        HandWrittenKpiSql.Add(command, "@n", count);
        command.CommandTimeout = 0;
        return await command.ExecuteNonQueryAsync(ct);
    }

    private async Task<DateTime> NewestFromAsync(int rows, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = """SELECT COALESCE((SELECT "CreatedAt" FROM "ServiceRequests" ORDER BY "CreatedAt" DESC LIMIT 1 OFFSET @skip), (SELECT MIN("CreatedAt") FROM "ServiceRequests"))""";
        HandWrittenKpiSql.Add(command, "@skip", rows - 1);
        return await command.ExecuteScalarAsync(ct) switch
        {
            DateTime at => DateTime.SpecifyKind(at, DateTimeKind.Utc), // PostgreSQL timestamptz
            var text => DateTime.SpecifyKind(DateTime.Parse((string)text!, CultureInfo.InvariantCulture), DateTimeKind.Utc), // SQLite text
        };
    }

    private async Task<int> MissingNumbersAsync(IReadOnlyList<string> numbers, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        var found = 0;
        foreach (var chunk in numbers.Distinct().Chunk(500))
        {
            await using var command = connection.CreateCommand();
            var names = chunk.Select((n, i) => { HandWrittenKpiSql.Add(command, $"@n{i}", n); return $"@n{i}"; });
            command.CommandText = $"""SELECT COUNT(*) FROM "ServiceRequests" WHERE "Number" IN ({string.Join(',', names)})""";
            found += Convert.ToInt32(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        }
        return numbers.Count - found;
    }

    /// <summary>A write-only sink that counts bytes, so an export is measured without keeping it.</summary>
    private sealed class CountingStream : Stream
    {
        private long _length;
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _length;
        public override long Position { get => _length; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => _length += count;
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) { _length += buffer.Length; return ValueTask.CompletedTask; }
    }
}

/// <summary>
/// The KPI floor: the same figures as the dashboard's report for "from" to now with no filter, written by hand in SQL
/// against the same tables (SQLite file or PostgreSQL), with no ORM: the daily summary (KpiDays) summed per group over
/// the whole days; the partial first day from ServiceRequests (cohort counts and targets per group, resolved and closed
/// per group, duration buckets); targets still pending and past due per group (live); the backlog by age and overdue;
/// the exact medians (duration histogram from KpiDurationBuckets plus the partial day, then one indexed lookup per middle
/// rank); the reopen rate and ratings (in the summary sums); the trend (summary days plus the partial days); the first
/// 100 breaches; the category, zone and team names. Provider-specific on purpose and kept here, out of the app.
/// </summary>
public static class HandWrittenKpiSql
{
    private static readonly string[] Columns = ["TriagedAt", "AssignedAt", "ResolvedAt"];

    public static async Task<long> RunAsync(DatabaseTarget database, DateTime from, CancellationToken ct)
    {
        var pg = database.Provider == DatabaseProvider.PostgreSQL;
        var now = DateTime.UtcNow;
        var fullFrom = from == from.Date ? from : from.Date.AddDays(1);
        var today = now.Date;
        string Hours(string c) => pg ? $"(EXTRACT(EPOCH FROM (\"{c}\" - \"CreatedAt\")) / 3600.0)" : $"((julianday(\"{c}\") - julianday(\"CreatedAt\")) * 24.0)";
        string Minutes(string c) => pg ? $"CAST(TRUNC(EXTRACT(EPOCH FROM (\"{c}\" - \"CreatedAt\")) / 60) AS integer)" : $"CAST((julianday(\"{c}\") - julianday(\"CreatedAt\")) * 1440 AS INTEGER)";
        string Bucket(string c) { var m = Minutes(c); return $"(CASE WHEN {m} < 60 THEN {m} WHEN {m} < 600 THEN {m} / 5 * 5 WHEN {m} < 6000 THEN {m} / 30 * 30 WHEN {m} < 60000 THEN {m} / 300 * 300 ELSE {m} / 3000 * 3000 END)"; }
        const string Dims = "\"CategoryId\", \"ZoneId\", COALESCE(\"AssignedTeamId\", 0), \"Priority\"";
        const string Open = "('New','Triaged','Assigned','InProgress')";
        long checksum = 0;
        await using var connection = await OpenAsync(database, ct);

        async Task<List<object[]>> Rows(string sql, params (string Name, object Value)[] parameters)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            foreach (var (name, value) in parameters) Add(command, name, value is DateTime d ? Time(d, pg) : value);
            await using var reader = await command.ExecuteReaderAsync(ct);
            var rows = new List<object[]>();
            while (await reader.ReadAsync(ct))
            {
                var row = new object[reader.FieldCount];
                reader.GetValues(row);
                rows.Add(row);
            }
            checksum += rows.Count;
            return rows;
        }

        // Whole days from the summary, per group.
        await Rows("""SELECT "Dimension", "Key", SUM("Opened"), SUM("Resolved"), SUM("Closed"), SUM("ResponseMet"), SUM("ResponseDone"), SUM("ResolutionMet"), SUM("ResolutionDone"), SUM("Reopenable"), SUM("Reopened"), SUM("Ratings"), SUM("RatingStars") FROM "KpiDays" WHERE "Day" >= @d GROUP BY "Dimension", "Key" """, ("@d", fullFrom));
        var histogram = (await Rows("""SELECT "Measure", "Bucket", SUM("Count") FROM "KpiDurationBuckets" WHERE "Day" >= @d GROUP BY "Measure", "Bucket" """, ("@d", fullFrom)))
            .Select(r => (Measure: Convert.ToInt32(r[0], CultureInfo.InvariantCulture), Bucket: Convert.ToInt64(r[1], CultureInfo.InvariantCulture), Count: Convert.ToInt64(r[2], CultureInfo.InvariantCulture))).ToList();
        // The partial first day, from the requests.
        (string, object)[] edge = [("@lo", from), ("@hi", fullFrom)];
        await Rows($"""
            SELECT {Dims}, COUNT(*),
                   SUM(CASE WHEN "ResponseDueAt" IS NOT NULL AND "TriagedAt" IS NOT NULL AND "TriagedAt" <= "ResponseDueAt" THEN 1 ELSE 0 END),
                   SUM(CASE WHEN "ResponseDueAt" IS NOT NULL AND "TriagedAt" IS NOT NULL THEN 1 ELSE 0 END),
                   SUM(CASE WHEN "CloseReason" IS NULL AND "ResolutionDueAt" IS NOT NULL AND "ResolvedAt" IS NOT NULL AND "ResolvedAt" <= "ResolutionDueAt" THEN 1 ELSE 0 END),
                   SUM(CASE WHEN "CloseReason" IS NULL AND "ResolutionDueAt" IS NOT NULL AND "ResolvedAt" IS NOT NULL THEN 1 ELSE 0 END),
                   SUM(CASE WHEN "ResolvedAt" IS NOT NULL OR "ReopenCount" > 0 THEN 1 ELSE 0 END), SUM(CASE WHEN "ReopenCount" > 0 THEN 1 ELSE 0 END)
            FROM "ServiceRequests" WHERE "CreatedAt" >= @lo AND "CreatedAt" < @hi GROUP BY {Dims}
            """, edge);
        await Rows($"""SELECT {Dims}, COUNT(*), SUM(t."Stars") FROM "ServiceRequests" AS r JOIN "Ratings" AS t ON t."ServiceRequestId" = r."Id" WHERE r."CreatedAt" >= @lo AND r."CreatedAt" < @hi GROUP BY {Dims}""", edge);
        await Rows($"""SELECT {Dims}, COUNT(*) FROM "ServiceRequests" WHERE "ResolvedAt" >= @lo AND "ResolvedAt" < @hi GROUP BY {Dims}""", edge);
        await Rows($"""SELECT {Dims}, COUNT(*) FROM "ServiceRequests" WHERE "ClosedAt" >= @lo AND "ClosedAt" < @hi GROUP BY {Dims}""", edge);
        for (var m = 0; m < 3; m++)
            foreach (var r in await Rows($"""SELECT {Bucket(Columns[m])}, COUNT(*) FROM "ServiceRequests" WHERE "CreatedAt" >= @lo AND "CreatedAt" < @hi AND "{Columns[m]}" IS NOT NULL GROUP BY 1""", edge))
                histogram.Add((m + 1, Convert.ToInt64(r[0], CultureInfo.InvariantCulture), Convert.ToInt64(r[1], CultureInfo.InvariantCulture)));
        // Targets pending and past due, per group.
        await Rows($"""SELECT {Dims}, COUNT(*) FROM "ServiceRequests" WHERE "CreatedAt" >= @f AND "TriagedAt" IS NULL AND "ResponseDueAt" IS NOT NULL AND "ResponseDueAt" < @now GROUP BY {Dims}""", ("@f", from), ("@now", now));
        await Rows($"""SELECT {Dims}, COUNT(*) FROM "ServiceRequests" WHERE "CreatedAt" >= @f AND "ResolvedAt" IS NULL AND "CloseReason" IS NULL AND "ResolutionDueAt" IS NOT NULL AND "ResolutionDueAt" < @now GROUP BY {Dims}""", ("@f", from), ("@now", now));
        // Backlog by age, and overdue.
        await Rows($"""
            SELECT COUNT(*), SUM(CASE WHEN "CreatedAt" > @d1 THEN 1 ELSE 0 END), SUM(CASE WHEN "CreatedAt" <= @d1 AND "CreatedAt" > @d7 THEN 1 ELSE 0 END),
                   SUM(CASE WHEN "CreatedAt" <= @d7 AND "CreatedAt" > @d30 THEN 1 ELSE 0 END), SUM(CASE WHEN "CreatedAt" <= @d30 THEN 1 ELSE 0 END)
            FROM "ServiceRequests" WHERE "Status" IN {Open}
            """, ("@d1", now.AddDays(-1)), ("@d7", now.AddDays(-7)), ("@d30", now.AddDays(-30)));
        await Rows($"""SELECT COUNT(*) FROM "ServiceRequests" WHERE "Status" IN {Open} AND "ResolutionDueAt" < @now""", ("@now", now));
        // Exact medians: the middle ranks' buckets from the histogram, then the value from the duration index.
        for (var m = 1; m <= 3; m++)
        {
            var sorted = histogram.Where(h => h.Measure == m).GroupBy(h => h.Bucket).Select(g => (Bucket: g.Key, Count: g.Sum(h => h.Count))).OrderBy(h => h.Bucket).ToList();
            var n = sorted.Sum(h => h.Count);
            foreach (var rank in n == 0 ? [] : n % 2 == 0 ? new[] { (n - 1) / 2, n / 2 } : [(n - 1) / 2])
            {
                var (bucket, offset) = KpiBuckets.Locate(sorted, rank)!.Value;
                var c = Columns[m - 1];
                await Rows($"""SELECT {Hours(c)} FROM "ServiceRequests" WHERE "{c}" IS NOT NULL AND {Hours(c)} >= {(pg ? "CAST(@lo AS numeric)" : "@lo")} AND {Hours(c)} < {(pg ? "CAST(@hi AS numeric)" : "@hi")} AND {Bucket(c)} = @b AND {(pg ? "" : "+")}"CreatedAt" >= @f ORDER BY {Hours(c)} LIMIT 1 OFFSET @o""",
                    ("@lo", bucket / 60.0 - 0.001), ("@hi", (bucket + KpiBuckets.Width(bucket)) / 60.0 + 0.001), ("@b", bucket), ("@f", from), ("@o", offset));
            }
        }
        // Trend: summary days, then today's and the first day's parts from the requests.
        await Rows("""SELECT "Day", "Opened", "Resolved" FROM "KpiDays" WHERE "Dimension" = 0 AND "Day" >= @a AND "Day" < @b""", ("@a", fullFrom), ("@b", today));
        foreach (var (lo, hi) in new[] { (from, fullFrom), (today, now) })
        {
            await Rows("""SELECT COUNT(*) FROM "ServiceRequests" WHERE "CreatedAt" >= @lo AND "CreatedAt" < @hi""", ("@lo", lo), ("@hi", hi));
            await Rows("""SELECT COUNT(*) FROM "ServiceRequests" WHERE "ResolvedAt" >= @lo AND "ResolvedAt" < @hi""", ("@lo", lo), ("@hi", hi));
        }
        // The first breaches: resolved late, and open past due.
        await Rows("""SELECT "Number", "CategoryId", "ZoneId", "Priority", "ResolutionDueAt", "ResolvedAt" FROM "ServiceRequests" WHERE "CreatedAt" >= @f AND "CloseReason" IS NULL AND "ResolvedAt" > "ResolutionDueAt" ORDER BY "ResolutionDueAt", "Id" LIMIT 100""", ("@f", from));
        await Rows("""SELECT "Number", "CategoryId", "ZoneId", "Priority", "ResolutionDueAt", "ResolvedAt" FROM "ServiceRequests" WHERE "CreatedAt" >= @f AND "ResolvedAt" IS NULL AND "CloseReason" IS NULL AND "ResolutionDueAt" < @now ORDER BY "ResolutionDueAt", "Id" LIMIT 100""", ("@f", from), ("@now", now));
        foreach (var table in new[] { "Categories", "Zones", "Teams" }) await Rows($"""SELECT "Id", "Name" FROM "{table}" """);
        return checksum;
    }

    /// <summary>SQLite: EF Core's text form for DateTime, so comparisons use the same index order; PostgreSQL: timestamptz.</summary>
    private static object Time(DateTime t, bool postgres) => postgres
        ? DateTime.SpecifyKind(t, DateTimeKind.Utc)
        : t.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);

    /// <summary>A connection to the benchmark database: read-only on SQLite unless <paramref name="write"/>.</summary>
    public static async Task<DbConnection> OpenAsync(DatabaseTarget database, CancellationToken ct, bool write = false)
    {
        DbConnection connection = database.Provider == DatabaseProvider.PostgreSQL
            ? new NpgsqlConnection(database.ConnectionString)
            : write ? new SqliteConnection(database.ConnectionString)
            : new SqliteConnection($"Data Source={new SqliteConnectionStringBuilder(database.ConnectionString).DataSource};Mode=ReadOnly");
        await connection.OpenAsync(ct);
        return connection;
    }

    public static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
