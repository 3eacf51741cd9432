using Microsoft.AspNetCore.Components.Server.Circuits;

namespace CstPortal.Features.Operations;

/// <summary>
/// What the benchmark harness (issue 8) asks the app, only when Cst:Benchmark:Enabled=true: an empty endpoint for the
/// HTTP floor, and the app's memory after a full garbage collection with its count of Blazor circuits, so the harness can
/// work out the server memory per idle circuit. Nothing of this exists in a normal run.
/// </summary>
public static class BenchmarkEndpoints
{
    private const string EnabledKey = "Cst:Benchmark:Enabled";

    public static IServiceCollection AddCstBenchmark(this IServiceCollection services, IConfiguration configuration)
    {
        if (!configuration.GetValue<bool>(EnabledKey)) return services;
        services.AddSingleton<BenchmarkCircuitCounter>();
        services.AddSingleton<CircuitHandler>(sp => sp.GetRequiredService<BenchmarkCircuitCounter>());
        return services;
    }

    public static IEndpointRouteBuilder MapCstBenchmark(this IEndpointRouteBuilder app, IConfiguration configuration)
    {
        if (!configuration.GetValue<bool>(EnabledKey)) return app;
        app.MapGet("/bench/empty", () => Results.Ok()).ExcludeFromDescription();
        // POST: it changes the process (a blocking, compacting collection), so a crawler's GET never triggers it.
        app.MapPost("/bench/memory", (BenchmarkCircuitCounter circuits) =>
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            using var self = System.Diagnostics.Process.GetCurrentProcess();
            return Results.Ok(new BenchmarkMemory(GC.GetTotalMemory(forceFullCollection: false), self.WorkingSet64,
                circuits.Open, circuits.Connected, circuits.ConnectionsDown));
        }).ExcludeFromDescription().DisableAntiforgery();
        return app;
    }
}

/// <summary>The app's memory after a full collection, and its circuits: open, connected now, connection losses since start.</summary>
public sealed record BenchmarkMemory(long ManagedBytes, long WorkingSetBytes, int CircuitsOpen, int CircuitsConnected, int ConnectionsDown);

/// <summary>Counts Blazor circuits as the server sees them (benchmark runs only).</summary>
public sealed class BenchmarkCircuitCounter : CircuitHandler
{
    private int _open, _connected, _down;
    public int Open => Volatile.Read(ref _open);
    public int Connected => Volatile.Read(ref _connected);
    public int ConnectionsDown => Volatile.Read(ref _down);

    public override Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken ct) { Interlocked.Increment(ref _open); return Task.CompletedTask; }
    public override Task OnCircuitClosedAsync(Circuit circuit, CancellationToken ct) { Interlocked.Decrement(ref _open); return Task.CompletedTask; }
    public override Task OnConnectionUpAsync(Circuit circuit, CancellationToken ct) { Interlocked.Increment(ref _connected); return Task.CompletedTask; }
    public override Task OnConnectionDownAsync(Circuit circuit, CancellationToken ct)
    {
        Interlocked.Decrement(ref _connected);
        Interlocked.Increment(ref _down);
        return Task.CompletedTask;
    }
}
