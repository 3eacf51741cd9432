using CstPortal.Common;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace CstPortal.Features.Requests;

/// <summary>
/// How many submissions and comments (photos count as comments) one person or one address may make per hour, and
/// how many workflow actions and notes one signed-in person may take per minute ("CitizenLimits" in appsettings).
/// </summary>
public sealed class CitizenLimitOptions
{
    public const string Section = "CitizenLimits";
    public int SubmissionsPerUserPerHour { get; set; } = 10;
    public int SubmissionsPerAddressPerHour { get; set; } = 30;
    public int CommentsPerUserPerHour { get; set; } = 30;
    public int CommentsPerAddressPerHour { get; set; } = 90;
    /// <summary>Transitions, arrivals, internal notes and staff replies per user per minute (a bulk action counts each request).</summary>
    public int ActionsPerUserPerMinute { get; set; } = 300;
}

/// <summary>
/// Sliding-window limits per signed-in user and per client address: citizen submissions and comments (per hour),
/// and every workflow action and note (per user per minute). Blazor actions travel over the circuit, not as HTTP
/// requests, so the HTTP rate limiter never sees them: the services ask this directly, whoever calls them (a page,
/// the REST API).
/// </summary>
public sealed class CitizenLimits(IOptions<CitizenLimitOptions> options, TimeProvider clock)
{
    public const string Submit = "submit";
    public const string Comment = "comment";
    public const string Action = "action";
    public const string TooMany = "You have sent a lot in a short time. Please wait a while and try again.";
    public const string TooManyActions = "You have made a lot of changes in a short time. Please wait a minute and try again.";
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Queue<DateTime>> _hits = [];

    public Result TryTake(string kind, string? userId, string? clientAddress)
    {
        var o = options.Value;
        var (perUser, perAddress, window, message) = kind switch
        {
            Submit => (o.SubmissionsPerUserPerHour, o.SubmissionsPerAddressPerHour, Hour, TooMany),
            Comment => (o.CommentsPerUserPerHour, o.CommentsPerAddressPerHour, Hour, TooMany),
            Action => (o.ActionsPerUserPerMinute, int.MaxValue, Minute, TooManyActions), // staff share office addresses: per user only
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a kind of limit."),
        };
        var now = clock.GetUtcNow().UtcDateTime;
        var keys = new List<(string Key, int Limit)>();
        if (userId is not null) keys.Add(($"{kind}:user:{userId}", perUser));
        if (!string.IsNullOrEmpty(clientAddress) && perAddress != int.MaxValue) keys.Add(($"{kind}:ip:{clientAddress}", perAddress));
        lock (_gate)
        {
            if (_hits.Count > 50_000) Prune(now);
            foreach (var (key, limit) in keys)
                if (Recent(key, now, window).Count >= limit) return Result.Fail(Texts.Get(message), FailureKind.TooMany);
            foreach (var (key, _) in keys) Recent(key, now, window).Enqueue(now);
        }
        return Result.Ok();
    }

    /// <summary>A workflow action or note by a signed-in person (the system and anonymous code holders are not limited here).</summary>
    public Result TryTakeAction(Actor actor) => actor.IsSystem || actor.UserId is null ? Result.Ok() : TryTake(Action, actor.UserId, null);

    private Queue<DateTime> Recent(string key, DateTime now, TimeSpan window)
    {
        if (!_hits.TryGetValue(key, out var q)) _hits[key] = q = new Queue<DateTime>();
        while (q.Count > 0 && now - q.Peek() >= window) q.Dequeue();
        return q;
    }

    private void Prune(DateTime now)
    {
        foreach (var key in _hits.Keys.ToList())
            if (Recent(key, now, Hour).Count == 0) _hits.Remove(key);
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
