using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using CstPortal.Data.DemoCity;
using CstPortal.Features.Operations;
using Microsoft.Playwright;

namespace CstPortal.Benchmarks;

/// <summary>How many circuits and page loads the browser measures make.</summary>
/// <param name="Circuits">Agent workbench pages open at once, each its own Blazor circuit.</param>
/// <param name="IdleSeconds">How long the open circuits sit idle before the memory is read (longer than two keep-alive intervals by default).</param>
/// <param name="ReportLoads">Cold loads of the report page measured (after one load that is not counted).</param>
/// <param name="MapLoads">Loads of the manager map measured (after one load that is not counted).</param>
/// <param name="OpenAtOnce">Pages being opened at the same time while the circuits are set up.</param>
/// <param name="AppMemoryCapMiB">No further circuit is opened once the app's resident memory is above this (the machine is shared; the
/// harness stops by itself rather than exhaust it). The row then says how many were open.</param>
/// <param name="OpenBudgetSeconds">No further circuit is opened after this long (a page already opening may finish): the measure is bounded in time.</param>
public sealed record BrowserSettings(int Circuits = 200, int IdleSeconds = 45, int ReportLoads = 7, int MapLoads = 7, int OpenAtOnce = 4, int AppMemoryCapMiB = 4096,
    int OpenBudgetSeconds = 600);

/// <summary>
/// The issue's three browser rows, in Debian's Chromium driven by Playwright (one headless browser), against the app on
/// 127.0.0.1: open Blazor circuits on the agent workbench and the server memory each keeps while idle, the largest
/// contentful paint of the report page on a cold load, and the manager map drawn and answering a pan. Map tiles come
/// from the internet: the browser resolves no host but 127.0.0.1 (a resolver rule), so a tile fails at once, with no
/// request interception in the timed path.
/// </summary>
public sealed class BrowserMeasures : IAsyncDisposable
{
    private readonly BenchTarget _target;
    private readonly BrowserSettings _settings;
    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;
    private readonly HttpClient _http;
    private readonly List<string> _notes;
    private readonly Func<string> _appMemory;

    private BrowserMeasures(BenchTarget target, BrowserSettings settings, IPlaywright playwright, IBrowser browser, List<string> notes, Func<string> appMemory)
    {
        (_target, _settings, _playwright, _browser, _notes, _appMemory) = (target, settings, playwright, browser, notes, appMemory);
        _http = LoadClient.LoopbackClient(target.BaseAddress, 2);
    }

    /// <param name="notes">Where the measures write what the table cannot hold.</param>
    /// <param name="appMemory">The app's peak memory, for the table's column.</param>
    public static async Task<BrowserMeasures> StartAsync(BenchTarget target, BrowserSettings settings, List<string> notes, Func<string> appMemory)
    {
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                // The same Chromium and flags as the browser tests (CstPortal.Tests/Browser/Chromium.cs).
                ExecutablePath = Environment.GetEnvironmentVariable("CST_CHROMIUM") ?? "/usr/bin/chromium",
                Headless = true,
                Args =
                [
                    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                    // Only the app on 127.0.0.1 resolves: map tiles (the internet) fail at once.
                    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                    // 200 pages open at once must keep their circuits' keep-alive timers running as a visible tab does.
                    "--disable-background-timer-throttling", "--disable-renderer-backgrounding", "--disable-backgrounding-occluded-windows",
                ],
            });
            return new BrowserMeasures(target, settings, playwright, browser, notes, appMemory);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>
    /// N agent workbench pages in one signed-in browser context, each its own circuit, opened a few at a time; then they sit
    /// idle. The app's managed heap after a full collection, before and after, divided by the circuits the server counts open,
    /// is the memory per idle circuit. Errors: pages that never became interactive, and circuits that lost their connection or
    /// closed while idle (the server's own counts).
    /// </summary>
    /// <param name="workItems">The demo agent's open requests, which every workbench page lists (for the notes).</param>
    public async Task<BenchRow> CircuitsAsync(string measure, long workItems, CancellationToken ct)
    {
        var openBefore = (await MemoryAsync(ct)).CircuitsOpen;
        var state = await SignInAsync($"agent@{DemoCityPlan.EmailDomain}");
        // The sign-in page's own circuit closes when the browser leaves it; the baseline is taken once the server has let it go.
        var before = await MemoryAsync(ct);
        for (var wait = 0; before.CircuitsOpen > openBefore && wait < 30; wait++)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
            before = await MemoryAsync(ct);
        }
        await using var context = await NewContextAsync(state);
        var openMs = new ConcurrentBag<double>();
        var failures = 0;
        var pageErrors = 0;
        var capped = 0;
        var late = 0;
        string? firstFailure = null;
        using var gate = new SemaphoreSlim(_settings.OpenAtOnce);
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, _settings.Circuits).Select(async _ =>
        {
            IPage? page = null;
            await gate.WaitAsync(ct);
            try
            {
                if (Machine.ResidentMemoryMiB(_target.ProcessId) > _settings.AppMemoryCapMiB) { Interlocked.Increment(ref capped); return; }
                if (watch.Elapsed.TotalSeconds > _settings.OpenBudgetSeconds) { Interlocked.Increment(ref late); return; }
                page = await context.NewPageAsync();
                page.PageError += (_, _) => Interlocked.Increment(ref pageErrors);
                var started = Stopwatch.StartNew();
                await page.GotoAsync("agent/work", new PageGotoOptions { WaitUntil = WaitUntilState.Commit, Timeout = 180_000 });
                await page.Locator("#cst-interactive").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached, Timeout = 180_000 });
                openMs.Add(started.Elapsed.TotalMilliseconds);
            }
            catch (Exception e) when (e is PlaywrightException or TimeoutException)
            {
                Interlocked.Increment(ref failures);
                Interlocked.CompareExchange(ref firstFailure, e.Message.Split('\n')[0], null);
                // A page that never became interactive goes, so it does not hold a half-made circuit through the idle time.
                if (page is not null) await page.CloseAsync();
            }
            finally { gate.Release(); }
        }));
        var openSeconds = watch.Elapsed.TotalSeconds;
        await Task.Delay(TimeSpan.FromSeconds(_settings.IdleSeconds), ct);
        var after = await MemoryAsync(ct);
        var peak = _appMemory();

        var circuits = after.CircuitsOpen - before.CircuitsOpen;
        var dropped = Math.Max(Math.Max(0, openMs.Count - circuits), after.ConnectionsDown - before.ConnectionsDown);
        var errors = failures + dropped;
        var perCircuitKb = (after.ManagedBytes - before.ManagedBytes) / 1024.0 / Math.Max(1, circuits);
        var perCircuitWorkingSetKb = (after.WorkingSetBytes - before.WorkingSetBytes) / 1024.0 / Math.Max(1, circuits);
        var failed = firstFailure is null ? "" : $" (first: {firstFailure})";
        var cap = (capped == 0 ? "" : FormattableString.Invariant($", {capped:N0} were not opened: the app's resident memory was above the harness's cap of {_settings.AppMemoryCapMiB:N0} MiB"))
            + (late == 0 ? "" : FormattableString.Invariant($", {late:N0} were not opened: the {_settings.OpenBudgetSeconds:N0} s budget for opening was spent"));
        _notes.Add(FormattableString.Invariant(
            $"Circuits: {_settings.Circuits:N0} agent workbench pages (agent@{DemoCityPlan.EmailDomain}) in one Chromium context, each listing the agent's {workItems:N0} open requests, {_settings.OpenAtOnce} opened at a time in {openSeconds:0.0} s; ")
            + FormattableString.Invariant($"{openMs.Count:N0} became interactive, {failures:N0} did not{failed}{cap}; after {_settings.IdleSeconds} s idle the server counted ")
            + FormattableString.Invariant($"{circuits:N0} more circuits open and {after.ConnectionsDown - before.ConnectionsDown:N0} lost connections; {pageErrors:N0} script errors in the pages. ")
            + FormattableString.Invariant($"App memory after a full GC: managed {before.ManagedBytes / 1048576.0:N1} → {after.ManagedBytes / 1048576.0:N1} MiB ({perCircuitKb:N0} KB per circuit), ")
            + FormattableString.Invariant($"working set {before.WorkingSetBytes / 1048576.0:N0} → {after.WorkingSetBytes / 1048576.0:N0} MiB ({perCircuitWorkingSetKb:N0} KB per circuit)."));
        var load = new LoadResult(openMs.Count + failures, failures, openSeconds, openMs.ToList());
        return new BenchRow(measure, "≤ 400 KB per idle circuit (managed heap after GC); 200 open, 0 errors", load, errors, peak,
            Verdict(perCircuitKb <= 400 && errors == 0 && circuits >= 200)
            + string.Create(CultureInfo.InvariantCulture, $" ({perCircuitKb:N0} KB per circuit, {circuits:N0} of {_settings.Circuits:N0} open{(capped > 0 ? ", stopped at the memory cap" : late > 0 ? ", stopped at the time budget" : "")}; latencies: page open to interactive)"));
    }

    private const string LcpScript = """
        window.__cstLcp = null;
        new PerformanceObserver((list) => {
          for (const e of list.getEntries()) {
            const el = e.element;
            window.__cstLcp = { time: e.startTime, size: e.size,
              element: el ? el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (typeof el.className === "string" && el.className ? "." + el.className.trim().split(/\s+/)[0] : "") : "" };
          }
        }).observe({ type: "largest-contentful-paint", buffered: true });
        """;


    /// <summary>
    /// The report page as a first-time visitor loads it: a new browser context each time (empty cache, no cookies), the page
    /// until its circuit is live and the network is quiet, then the last largest-contentful-paint entry. The first load warms
    /// the server and is not counted.
    /// </summary>
    public async Task<BenchRow> ReportLcpAsync(string measure, CancellationToken ct)
    {
        var times = new List<double>();
        var failures = 0;
        var elements = new List<string>();
        string? firstFailure = null;
        var watch = Stopwatch.StartNew();
        for (var i = 0; i <= _settings.ReportLoads; i++)
        {
            ct.ThrowIfCancellationRequested();
            await using var context = await NewContextAsync(null);
            try
            {
                var page = await context.NewPageAsync();
                await page.AddInitScriptAsync(LcpScript);
                await page.GotoAsync("report", new PageGotoOptions { WaitUntil = WaitUntilState.Load, Timeout = 60_000 });
                await page.Locator("#cst-interactive").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached, Timeout = 60_000 });
                try { await page.WaitForLoadStateAsync(LoadState.NetworkIdle, new PageWaitForLoadStateOptions { Timeout = 10_000 }); }
                catch (TimeoutException) { /* LCP is read all the same */ }
                var lcp = await page.EvaluateAsync<JsonElement?>("() => window.__cstLcp");
                if (lcp is not { ValueKind: JsonValueKind.Object } entry) { failures++; firstFailure ??= "no largest-contentful-paint entry"; continue; }
                var time = entry.GetProperty("time").GetDouble();
                if (i == 0) { _notes.Add(string.Create(CultureInfo.InvariantCulture, $"Report page: the first (uncounted) load's LCP was {time:N0} ms.")); continue; }
                times.Add(time);
                elements.Add(entry.GetProperty("element").GetString() ?? "");
            }
            catch (Exception e) when (e is PlaywrightException or TimeoutException)
            {
                failures++;
                firstFailure ??= e.Message.Split('\n')[0];
            }
        }
        var load = new LoadResult(times.Count + failures, failures, watch.Elapsed.TotalSeconds, times);
        _notes.Add($"Report page LCP: {times.Count} cold loads of /report (new context each: empty cache, signed out); the LCP element was {string.Join(", ", elements.Distinct())}"
            + (firstFailure is null ? "." : $"; first failure: {firstFailure}."));
        return new BenchRow(measure, "largest contentful paint ≤ 1 s", load, failures, _appMemory(),
            Verdict(times.Count > 0 && load.Percentile(0.95) <= 1000 && failures == 0) + " (p95 of LCP; latencies are LCP from navigation start)",
            Throughput: "–");
    }

    /// <summary>Records when the analytics map is drawn (heat layer with the server's cells, zones) and every heat update after it.</summary>
    private const string MapScript = """
        window.__cstMap = { drawn: null, heat: [] };
        new MutationObserver((records) => {
          for (const r of records) if (r.attributeName === "data-heat-cells") window.__cstMap.heat.push(performance.now());
        }).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-heat-cells"] });
        const cstMapTick = () => {
          if (document.querySelector(".cst-map[data-heat-cells]") && document.querySelector("canvas.leaflet-heatmap-layer")
              && document.querySelector(".cst-map path.leaflet-interactive")) { window.__cstMap.drawn = performance.now(); return; }
          requestAnimationFrame(cstMapTick);
        };
        requestAnimationFrame(cstMapTick);
        """;

    /// <summary>
    /// The manager's live map, signed in (a new context per load with the manager's cookies: empty cache). "Drawn" is the
    /// first frame with the heat layer holding the server's cells and the zones drawn; "interactive" is when, after a mouse
    /// drag pans the map, the heat for the new view has arrived (a round trip through the circuit and the database). The
    /// figure is that second moment, from navigation start. The first load warms the server and is not counted.
    /// </summary>
    public async Task<BenchRow> ManagerMapAsync(string measure, long openRequests, CancellationToken ct)
    {
        var state = await SignInAsync($"manager@{DemoCityPlan.EmailDomain}");
        var total = new List<double>();
        var drawn = new List<double>();
        var failures = 0;
        string? inView = null, firstFailure = null;
        var watch = Stopwatch.StartNew();
        for (var i = 0; i <= _settings.MapLoads; i++)
        {
            ct.ThrowIfCancellationRequested();
            await using var context = await NewContextAsync(state);
            try
            {
                var page = await context.NewPageAsync();
                await page.AddInitScriptAsync(MapScript);
                await page.GotoAsync("analytics/map", new PageGotoOptions { WaitUntil = WaitUntilState.Commit, Timeout = 60_000 });
                await page.WaitForFunctionAsync("() => window.__cstMap && window.__cstMap.drawn !== null", null, new PageWaitForFunctionOptions { Timeout = 60_000 });
                var updates = await page.EvaluateAsync<int>("() => window.__cstMap.heat.length");
                var box = await page.Locator(".cst-map").BoundingBoxAsync() ?? throw new TimeoutException("The map has no box.");
                var (x, y) = (box.X + box.Width / 2, box.Y + box.Height / 2);
                await page.Mouse.MoveAsync((float)x, (float)y);
                await page.Mouse.DownAsync();
                await page.Mouse.MoveAsync((float)(x + 160), (float)(y + 90), new MouseMoveOptions { Steps = 4 });
                await page.Mouse.UpAsync();
                await page.WaitForFunctionAsync($"() => window.__cstMap.heat.length > {updates}", null, new PageWaitForFunctionOptions { Timeout = 60_000 });
                var drawnAt = await page.EvaluateAsync<double>("() => window.__cstMap.drawn");
                var answeredAt = await page.EvaluateAsync<double>($"() => window.__cstMap.heat[{updates}]");
                if (i == 0) continue;
                drawn.Add(drawnAt);
                total.Add(answeredAt);
                if (inView is null)
                {
                    // The count is rendered after the heat and zones; read it once it has come (not timed).
                    try { await page.WaitForFunctionAsync("() => !/^0\\s/.test(document.querySelector('[data-testid=open-in-view]')?.textContent ?? '0 ')", null, new PageWaitForFunctionOptions { Timeout = 10_000 }); }
                    catch (TimeoutException) { /* the view may hold none */ }
                    inView = await page.GetByTestId("open-in-view").InnerTextAsync();
                }
            }
            catch (Exception e) when (e is PlaywrightException or TimeoutException)
            {
                failures++;
                firstFailure ??= e.Message.Split('\n')[0];
            }
        }
        var load = new LoadResult(total.Count + failures, failures, watch.Elapsed.TotalSeconds, total);
        var drawnLoad = new LoadResult(drawn.Count, 0, 0, drawn);
        var failed = firstFailure is null ? "" : $"; first failure: {firstFailure}";
        _notes.Add(FormattableString.Invariant(
            $"Manager map: {total.Count} loads of /analytics/map as manager@{DemoCityPlan.EmailDomain} with {openRequests:N0} open requests in the database (the page said \"{inView}\" after the pan); ")
            + FormattableString.Invariant($"drawn (heat cells and zones on the map) at p50 {drawnLoad.Percentile(0.5):N0} ms, p95 {drawnLoad.Percentile(0.95):N0} ms from navigation start; ")
            + $"the table's figures are the moment the heat for the panned view arrived{failed}.");
        return new BenchRow(measure, "drawn and interactive ≤ 2 s (100,000 open)", load, failures, _appMemory(),
            Verdict(total.Count > 0 && load.Percentile(0.95) <= 2000 && failures == 0) + " (p95 of navigation start → heat drawn, panned, new view's heat drawn)",
            Throughput: "–");
    }

    /// <summary>Signs in through the app's own login form; returns the context's cookies for new contexts.</summary>
    private async Task<string> SignInAsync(string email)
    {
        await using var context = await NewContextAsync(null);
        var page = await context.NewPageAsync();
        await page.GotoAsync("Account/Login");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(DemoCityPlan.DemoPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in", Exact = true }).ClickAsync();
        await page.Locator("#cst-interactive").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached, Timeout = 60_000 });
        // Leave the live page, so its circuit closes now (the browser says goodbye when a page goes) and is not counted later.
        await page.GotoAsync("bench/empty");
        return await context.StorageStateAsync();
    }

    private Task<IBrowserContext> NewContextAsync(string? storageState) =>
        _browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = _target.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
            StorageState = storageState,
        });

    private async Task<BenchmarkMemory> MemoryAsync(CancellationToken ct)
    {
        using var response = await _http.PostAsync("bench/memory", null, ct);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<BenchmarkMemory>(ct) ?? throw new InvalidOperationException("The app said nothing about its memory.");
    }

    private static string Verdict(bool met) => met ? "met" : "NOT met";

    public async ValueTask DisposeAsync()
    {
        await _browser.CloseAsync();
        _playwright.Dispose();
        _http.Dispose();
    }
}
