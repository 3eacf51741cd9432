using System.Diagnostics;

namespace CstPortal.Benchmarks;

/// <summary>Latencies, count, errors and wall time of one measure.</summary>
public sealed record LoadResult(int Requests, int Errors, double Seconds, IReadOnlyList<double> LatenciesMs)
{
    public double Throughput => Seconds > 0 ? Requests / Seconds : 0;
    public double Percentile(double q)
    {
        if (LatenciesMs.Count == 0) return double.NaN;
        var sorted = LatenciesMs.Order().ToArray();
        var rank = (int)Math.Ceiling(q * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }
}

/// <summary>
/// N workers call an operation until the duration or the request budget runs out (whichever first);
/// every worker makes at least one call. Bounded: it always stops by itself.
/// </summary>
public static class LoadClient
{
    public static async Task<LoadResult> RunAsync(int workers, TimeSpan duration, int maxRequests,
        Func<int, CancellationToken, Task<bool>> call, CancellationToken ct = default)
    {
        var issued = 0;
        var errors = 0;
        var latencies = new List<double>[workers];
        var wall = Stopwatch.StartNew();
        var tasks = Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            var mine = latencies[w] = [];
            while (!ct.IsCancellationRequested)
            {
                if (mine.Count > 0 && wall.Elapsed >= duration) break;
                var n = Interlocked.Increment(ref issued);
                if (n > maxRequests) break;
                var started = Stopwatch.GetTimestamp();
                bool ok;
                try { ok = await call(n, ct); }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException or InvalidOperationException) { ok = false; }
                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (!ok) Interlocked.Increment(ref errors);
            }
        }, ct)).ToArray();
        await Task.WhenAll(tasks);
        var all = latencies.SelectMany(l => l).ToList();
        return new LoadResult(all.Count, errors, wall.Elapsed.TotalSeconds, all);
    }

    /// <summary>An HTTP client for the app under test; refuses anything that is not loopback.</summary>
    public static HttpClient LoopbackClient(Uri baseAddress, int connections)
    {
        if (!baseAddress.IsLoopback) throw new ArgumentException($"The benchmark only talks to 127.0.0.1, not {baseAddress}.", nameof(baseAddress));
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
            UseProxy = false,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
        };
        return new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }
}
