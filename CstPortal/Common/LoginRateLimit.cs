using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace CstPortal.Common;

/// <summary>
/// Sign-in attempts (form posts to /Account/Login) per client address per minute: lockout protects one account
/// from guessing, this slows one address spraying passwords over many accounts. Viewing the form is not counted.
/// The Login page opts in with [EnableRateLimiting(LoginRateLimit.Policy)]; the budget is Cst:LoginAttemptsPerMinute.
/// </summary>
public sealed class LoginRateLimit(IOptions<CstOptions> options) : IRateLimiterPolicy<string>
{
    public const string Policy = "login";

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => async (context, ct) =>
    {
        var http = context.HttpContext;
        var localizer = http.RequestServices.GetRequiredService<IStringLocalizer<SharedResource>>();
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = "60";
        http.Response.ContentType = "text/plain; charset=utf-8";
        await http.Response.WriteAsync(localizer["Too many sign-in attempts from your address. Wait a minute and try again."], ct);
    };

    public RateLimitPartition<string> GetPartition(HttpContext httpContext)
    {
        if (!HttpMethods.IsPost(httpContext.Request.Method)) return RateLimitPartition.GetNoLimiter("view");
        var permits = Math.Max(1, options.Value.LoginAttemptsPerMinute);
        return RateLimitPartition.GetSlidingWindowLimiter("ip:" + httpContext.Connection.RemoteIpAddress, _ => new SlidingWindowRateLimiterOptions
        {
            PermitLimit = permits, Window = TimeSpan.FromMinutes(1), SegmentsPerWindow = 6, QueueLimit = 0,
        });
    }
}

public static class LoginRateLimitSetup
{
    /// <summary>The HTTP rate limiter's services (UseRateLimiter needs them) and its one policy, sign-in posts.</summary>
    public static IServiceCollection AddLoginRateLimit(this IServiceCollection services) =>
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy<string, LoginRateLimit>(LoginRateLimit.Policy);
        });
}
