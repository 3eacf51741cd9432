using CstPortal.Benchmarks;
using CstPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;

namespace CstPortal.Tests.Benchmarks;

/// <summary>
/// The benchmark harness works end to end at a tiny size: every measure runs against the real app on
/// 127.0.0.1 and lands in the table without errors. Figures are never asserted: a slow machine fails nothing.
/// </summary>
public sealed class BenchmarkSmokeTests
{
    private sealed class TinyBenchmarkApp : CstAppFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Cst:DemoRequestCount", "300");
            builder.UseSetting("Cst:Benchmark:Enabled", "true");
            builder.UseSetting("Cst:Open311:PermitsPerMinute", "1000000");
        }
    }

    [Fact]
    public async Task Harness_at_a_tiny_size_writes_every_measure_with_zero_errors()
    {
        await using var app = new TinyBenchmarkApp();
        var baseAddress = new Uri(app.StartOnLoopback());
        var table = Path.Combine(app.DataDirectory, "benchmarks-smoke.md");
        var harness = new BenchmarkHarness(new BenchTarget(baseAddress, Environment.ProcessId, app.DataDirectory),
            new BenchSettings(IntakeDuration: TimeSpan.FromSeconds(2), MeasureDuration: TimeSpan.FromSeconds(2), IntakeClients: 8, ReadClients: 2, MaxRequestsPerMeasure: 200,
                AutoAssignCount: 20, AutoAssignBudget: TimeSpan.FromSeconds(30),
                Browser: new BrowserSettings(Circuits: 3, IdleSeconds: 1, ReportLoads: 1, MapLoads: 1, OpenAtOnce: 3)),
            TextWriter.Null);

        var rows = await harness.RunAsync();
        await File.WriteAllTextAsync(table, harness.Markdown("smoke", DateTimeOffset.UnixEpoch, rows, []));

        Assert.Equal(BenchmarkHarness.MeasureNames, rows.Select(r => r.Measure));
        Assert.All(rows, r => Assert.Equal(0, r.Errors));
        var text = await File.ReadAllTextAsync(table);
        Assert.Contains("| measure | goal | p50 ms | p95 ms | p99 ms | throughput /s | errors | peak memory (VmHWM) | result vs goal |", text);
        Assert.All(BenchmarkHarness.MeasureNames, name => Assert.Contains($"| {name} |", text));
        Assert.Contains(harness.Notes, n => n.Contains(", 0 of them missing from the database afterwards.", StringComparison.Ordinal));
    }
}
