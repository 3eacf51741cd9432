using CstPortal.Common;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace CstPortal.Features.Requests;

/// <summary>How many submissions and comments one person or one address may make per hour ("CitizenLimits" in appsettings).</summary>
public sealed class CitizenLimitOptions
{
    public const string Section = "CitizenLimits";
    public int SubmissionsPerUserPerHour { get; set; } = 10;
    public int SubmissionsPerAddressPerHour { get; set; } = 30;
    public int CommentsPerUserPerHour { get; set; } = 30;
    public int CommentsPerAddressPerHour { get; set; } = 90;
}

/// <summary>
/// Sliding-window limits on citizen submissions and comments, per signed-in user and per client address.
/// Blazor actions travel over the circuit, not as HTTP requests, so the services ask this directly; the HTTP
/// rate limiter policy for endpoints uses the same numbers.
/// </summary>
public sealed class CitizenLimits(IOptions<CitizenLimitOptions> options, TimeProvider clock)
{
    public const string Submit = "submit";
    public const string Comment = "comment";
    public const string TooMany = "You have sent a lot in a short time. Please wait a while and try again.";
    private static readonly TimeSpan Window = TimeSpan.FromHours(1);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Queue<DateTime>> _hits = [];

    public Result TryTake(string kind, string? userId, string? clientAddress)
    {
        var o = options.Value;
        var (perUser, perAddress) = kind == Submit
            ? (o.SubmissionsPerUserPerHour, o.SubmissionsPerAddressPerHour)
            : (o.CommentsPerUserPerHour, o.CommentsPerAddressPerHour);
        var now = clock.GetUtcNow().UtcDateTime;
        var keys = new List<(string Key, int Limit)>();
        if (userId is not null) keys.Add(($"{kind}:user:{userId}", perUser));
        if (!string.IsNullOrEmpty(clientAddress)) keys.Add(($"{kind}:ip:{clientAddress}", perAddress));
        lock (_gate)
        {
            if (_hits.Count > 50_000) Prune(now);
            foreach (var (key, limit) in keys)
                if (Recent(key, now).Count >= limit) return Result.Fail(Texts.Get(TooMany));
            foreach (var (key, _) in keys) Recent(key, now).Enqueue(now);
        }
        return Result.Ok();
    }

    private Queue<DateTime> Recent(string key, DateTime now)
    {
        if (!_hits.TryGetValue(key, out var q)) _hits[key] = q = new Queue<DateTime>();
        while (q.Count > 0 && now - q.Peek() >= Window) q.Dequeue();
        return q;
    }

    private void Prune(DateTime now)
    {
        foreach (var key in _hits.Keys.ToList())
            if (Recent(key, now).Count == 0) _hits.Remove(key);
    }
}

/// <summary>
/// The browser's address for this circuit, read once from the connection that started it (the Blazor hub's
/// HTTP context), for per-address limits. Scoped: one per circuit.
/// </summary>
public sealed class ClientAddress(IHttpContextAccessor accessor)
{
    private string? _value;
    private bool _read;

    public string? Value
    {
        get
        {
            if (_read) return _value;
            _read = true;
            var http = accessor.HttpContext;
            _value = http?.Features.Get<IHttpConnectionFeature>()?.RemoteIpAddress?.ToString() ?? http?.Connection.RemoteIpAddress?.ToString();
            return _value;
        }
    }
}
