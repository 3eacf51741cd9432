using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using CstPortal.Data;

namespace CstPortal.Benchmarks;

/// <summary>
/// bash scripts/benchmark.sh [--requests N] runs this: seed a benchmark data directory with the demo-city
/// generator (through the app's own seeder), start the Release app on 127.0.0.1, measure, append to BENCHMARKS.md.
/// On PostgreSQL: --postgres "Host=...;Database=cst_bench_N;Username=..." (or CST_BENCH_POSTGRES), a database of its own
/// per size (the app creates it); the data directory then holds evidence, keys and the seeded marker.
/// --seed-only stops after seeding (and the first SLA sweep): a data directory to copy and measure against.
/// Browser rows: --circuits N (200), --idle-seconds S (45), --page-loads N (7 counted loads of each page),
/// --app-memory-cap-mib M (4096: no more circuits once the app holds more); --browser-only runs just those.
/// </summary>
public static class BenchmarkProgram
{
    public static async Task<int> Main(string[] args)
    {
        if (StringArg(args, "--profile-kpi") is { } profileDirectory)
            return await BenchmarkHarness.ProfileKpiAsync(Path.GetFullPath(profileDirectory), Console.Out);
        var requests = IntArg(args, "--requests", 1_000_000);
        var postgres = StringArg(args, "--postgres") ?? Environment.GetEnvironmentVariable("CST_BENCH_POSTGRES");
        DatabaseTarget? database = string.IsNullOrWhiteSpace(postgres) ? null : DatabaseTarget.Postgres(postgres);
        var intakeSeconds = IntArg(args, "--intake-seconds", 30);
        var measureSeconds = IntArg(args, "--seconds", 10);
        var autoAssignSeconds = IntArg(args, "--auto-assign-seconds", 120);
        var browser = new BrowserSettings(Circuits: IntArg(args, "--circuits", 200), IdleSeconds: IntArg(args, "--idle-seconds", 45),
            ReportLoads: IntArg(args, "--page-loads", 7), MapLoads: IntArg(args, "--page-loads", 7), AppMemoryCapMiB: IntArg(args, "--app-memory-cap-mib", 4096));
        var appDll = Path.GetFullPath(StringArg(args, "--app") ?? throw new ArgumentException("--app path/to/CstPortal.dll is required"));
        var dataDirectory = Path.GetFullPath(StringArg(args, "--data") ?? Path.Combine("artifacts", "benchmark", $"requests-{requests}"));
        var output = Path.GetFullPath(StringArg(args, "--out") ?? "BENCHMARKS.md");
        var notes = new List<string>();

        var marker = Path.Combine(dataDirectory, "seeded.txt");
        if (!File.Exists(marker))
        {
            if (Directory.Exists(dataDirectory)) Directory.Delete(dataDirectory, recursive: true);
            Directory.CreateDirectory(dataDirectory);
            Console.WriteLine($"Seeding {requests:N0} requests into {dataDirectory} (the app's DemoCitySeeder; {(database is null ? "SQLite bulk loader" : "PostgreSQL bulk loader, binary COPY")})...");
            var seedWatch = Stopwatch.StartNew();
            await using (var seeding = await AppProcess.StartAsync(appDll, dataDirectory, seed: requests, TimeSpan.FromHours(6), database))
                Console.WriteLine($"Seeded in {seedWatch.Elapsed.TotalSeconds:N0} s; peak app memory while seeding {Machine.PeakMemoryMiB(seeding.Pid):N0} MiB.");
            var seedSeconds = seedWatch.Elapsed.TotalSeconds;
            Console.WriteLine("First SLA sweep after seeding (fires the escalations the generator left due)...");
            var (sweepSeconds, fired) = await BenchmarkHarness.SettleSlaAsync(dataDirectory, database);
            await File.WriteAllTextAsync(marker, string.Create(CultureInfo.InvariantCulture,
                $"{requests} requests seeded in {seedSeconds:0} s; the first SLA sweep after seeding fired {fired:N0} escalation levels in {sweepSeconds:0.0} s\n"));
        }
        else
        {
            // A reused directory may come from an older build: its migrations (with their backfills) run at this start,
            // and the first sweep after them looks at every open request once. Both happen before any clock starts.
            Console.WriteLine("Reused data directory: applying this build's migrations, then one SLA sweep...");
            var upgradeWatch = Stopwatch.StartNew();
            await using (await AppProcess.StartAsync(appDll, dataDirectory, seed: null, TimeSpan.FromHours(3), database)) { }
            var migrateSeconds = upgradeWatch.Elapsed.TotalSeconds;
            var (sweepSeconds, fired) = await BenchmarkHarness.SettleSlaAsync(dataDirectory, database);
            notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"Reused data directory: first start of this build (migrations) took {migrateSeconds:0} s; a sweep after it fired {fired:N0} levels in {sweepSeconds:0.0} s."));
        }
        if (args.Contains("--seed-only")) return 0; // a seeded data directory to copy and measure against later
        notes.Add(database is null ? "Database: SQLite (the file in the data directory)." : "Database: PostgreSQL (--postgres).");
        notes.Add($"Data: {File.ReadAllText(marker).Trim()} (Cst:DemoRequestCount={requests:N0}, default seed, over the last {AppProcess.HistoryDays} days with a {AppProcess.OpenShare:P0} backlog share). A reused data directory also holds earlier runs' intake requests.");

        await using var app = await AppProcess.StartAsync(appDll, dataDirectory, seed: null, TimeSpan.FromMinutes(10), database);
        var harness = new BenchmarkHarness(new BenchTarget(app.BaseAddress, app.Pid, dataDirectory, Database: database),
            new BenchSettings(TimeSpan.FromSeconds(intakeSeconds), TimeSpan.FromSeconds(measureSeconds), AutoAssignBudget: TimeSpan.FromSeconds(autoAssignSeconds), Browser: browser), Console.Out);
        // --browser-only: the three Chromium rows alone (circuits, report page LCP, manager map), for work on the pages.
        var rows = args.Contains("--browser-only") ? await harness.BrowserRowsAsync() : await harness.RunAsync();
        var section = harness.Markdown(string.Create(CultureInfo.InvariantCulture, $"{requests:N0} requests"), DateTimeOffset.UtcNow, rows, notes);
        if (!File.Exists(output))
            await File.WriteAllTextAsync(output, "# Benchmarks\n\nFigures from `bash scripts/benchmark.sh`; each run appends a dated section, earlier results are kept.\n\n");
        await File.AppendAllTextAsync(output, section);
        Console.WriteLine(section);
        Console.WriteLine($"Appended to {output}");
        return 0;
    }

    private static string? StringArg(string[] args, string name) =>
        Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

    private static int IntArg(string[] args, string name, int fallback) =>
        StringArg(args, name) is { } s ? int.Parse(s.Replace(",", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal), CultureInfo.InvariantCulture) : fallback;
}

/// <summary>The Release app as a child process on a free 127.0.0.1 port; stopped (this process only) on dispose.</summary>
public sealed class AppProcess : IAsyncDisposable
{
    /// <summary>The benchmark city's history: three years, with a tenth of the requests left open as a backlog.</summary>
    public const int HistoryDays = 1096;
    public const double OpenShare = 0.10;

    private readonly Process _process;
    public Uri BaseAddress { get; }
    public int Pid => _process.Id;

    private AppProcess(Process process, Uri baseAddress) { _process = process; BaseAddress = baseAddress; }

    /// <param name="seed">Requests to seed into an empty database, or null to start without seeding.</param>
    /// <param name="database">PostgreSQL to run on, or null for SQLite in the data directory.</param>
    public static async Task<AppProcess> StartAsync(string appDll, string dataDirectory, int? seed, TimeSpan readyWithin, DatabaseTarget? database = null)
    {
        var port = FreePort();
        var info = new ProcessStartInfo("dotnet", [appDll]) { WorkingDirectory = Path.GetDirectoryName(appDll)!, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        info.Environment["Cst__DataDirectory"] = dataDirectory;
        info.Environment["Cst__SeedDemoCity"] = seed is null ? "false" : "true";
        if (seed is { } n)
        {
            info.Environment["Cst__DemoRequestCount"] = n.ToString(CultureInfo.InvariantCulture);
            info.Environment["Cst__DemoHistoryDays"] = HistoryDays.ToString(CultureInfo.InvariantCulture);
            info.Environment["Cst__DemoOpenShare"] = OpenShare.ToString(CultureInfo.InvariantCulture);
        }
        info.Environment["Cst__Benchmark__Enabled"] = "true";
        if (database is { Provider: DatabaseProvider.PostgreSQL })
        {
            info.Environment["Cst__Database__Provider"] = "PostgreSQL";
            info.Environment["Cst__Database__ConnectionString"] = database.ConnectionString;
        }
        info.Environment["Cst__Open311__PermitsPerMinute"] = "100000000";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment["Logging__LogLevel__CstPortal.Data.DemoCity"] = "Information";
        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start the app.");
        process.OutputDataReceived += (_, e) => { if (e.Data is { Length: > 0 } line) Console.WriteLine($"  app> {line}"); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 } line) Console.WriteLine($"  app! {line}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var app = new AppProcess(process, new Uri($"http://127.0.0.1:{port}/"));
        await app.WaitReadyAsync(readyWithin);
        return app;
    }

    private async Task WaitReadyAsync(TimeSpan within)
    {
        using var http = LoadClient.LoopbackClient(BaseAddress, 1);
        http.Timeout = TimeSpan.FromSeconds(5);
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < within)
        {
            if (_process.HasExited) throw new InvalidOperationException($"The app exited with code {_process.ExitCode} before it was ready.");
            try
            {
                using var r = await http.GetAsync("bench/empty");
                if (r.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
        throw new TimeoutException($"The app was not ready within {within}.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: false);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
