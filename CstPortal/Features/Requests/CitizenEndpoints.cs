using System.Security.Claims;
using System.Threading.RateLimiting;
using CstPortal.Common;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace CstPortal.Features.Requests;

/// <summary>HTTP for the citizen portal: photos through an authorising endpoint, and the submission rate limit policy.</summary>
public static class CitizenEndpoints
{
    /// <summary>Rate limit policy for HTTP endpoints that create requests or comments (per user, else per address).</summary>
    public const string SubmissionPolicy = "citizen-submissions";

    public static IServiceCollection AddCitizenRateLimits(this IServiceCollection services) =>
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = async (context, ct) =>
            {
                context.HttpContext.Response.ContentType = "text/plain; charset=utf-8";
                context.HttpContext.Response.Headers.RetryAfter = "600";
                await context.HttpContext.Response.WriteAsync(Texts.Get(CitizenLimits.TooMany), ct);
            };
            o.AddPolicy(SubmissionPolicy, http =>
            {
                var limits = http.RequestServices.GetRequiredService<IOptions<CitizenLimitOptions>>().Value;
                var user = http.User.FindFirstValue(ClaimTypes.NameIdentifier);
                var key = user is not null ? "user:" + user : "ip:" + http.Connection.RemoteIpAddress;
                return RateLimitPartition.GetSlidingWindowLimiter(key, _ => new SlidingWindowRateLimiterOptions
                {
                    PermitLimit = user is not null ? limits.SubmissionsPerUserPerHour : limits.SubmissionsPerAddressPerHour,
                    Window = TimeSpan.FromHours(1), SegmentsPerWindow = 6, QueueLimit = 0,
                });
            });
        });

    public static IEndpointRouteBuilder MapCitizenEndpoints(this IEndpointRouteBuilder app)
    {
        // Photos are never static files: each one is looked up and checked for this viewer.
        app.MapGet("/photos/{id:long}", async (long id, bool? thumb, HttpContext http, CitizenService citizen, CancellationToken ct) =>
        {
            var file = await citizen.PhotoAsync(id, thumb == true, Actor.FromPrincipal(http.User), ct);
            if (file is null) return Results.NotFound();
            http.Response.Headers.CacheControl = "private, max-age=3600";
            http.Response.Headers["X-Content-Type-Options"] = "nosniff";
            return Results.File(file.Content, file.ContentType); // the response disposes the stream
        });
        return app;
    }
}
