using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace CstPortal.Features.ApiKeys;

/// <summary>
/// One fixed window per key (or per client address for calls without a key), shared by the Open311
/// and REST APIs. A caller over its budget is answered 429 with Retry-After.
/// </summary>
public sealed class ApiRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;
    public TimeSpan Window { get; } = TimeSpan.FromMinutes(1);

    public ApiRateLimiter(IOptions<ApiOptions> options)
    {
        var permits = Math.Max(1, options.Value.PermitsPerMinute);
        _limiter = PartitionedRateLimiter.Create<string, string>(partition => RateLimitPartition.GetFixedWindowLimiter(partition,
            _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = Window, QueueLimit = 0, AutoReplenishment = true }));
    }

    /// <summary>True when the caller may go ahead.</summary>
    public bool TryAcquire(string partition)
    {
        using var lease = _limiter.AttemptAcquire(partition);
        return lease.IsAcquired;
    }

    /// <summary>A valid key's own budget; calls without one (or with a wrong one) share their client address's budget.</summary>
    public static string PartitionFor(int? keyId, HttpContext context) =>
        keyId is { } id ? "key:" + id.ToString(System.Globalization.CultureInfo.InvariantCulture) : "ip:" + context.Connection.RemoteIpAddress;

    public void Dispose() => _limiter.Dispose();
}

/// <summary>The "Cst:Open311" section: the API keys' budget, the jurisdiction and the demo key.</summary>
public sealed class ApiOptions
{
    public const string Section = "Cst:Open311";

    /// <summary>Requests per minute per key (or per client address without a key), both APIs.</summary>
    public int PermitsPerMinute { get; set; } = 120;

    /// <summary>The jurisdiction_id this endpoint answers for; requests naming another get 404.</summary>
    public string JurisdictionId { get; set; } = "riverton.example";

    /// <summary>The key the demo city seeds for Open311 clients (any key of 8+ characters).</summary>
    public string DemoApiKey { get; set; } = "riverton-demo-key";

    /// <summary>Contact shown in discovery.</summary>
    public string Contact { get; set; } = "Riverton Citizen Services, open311@riverton.example";
}
