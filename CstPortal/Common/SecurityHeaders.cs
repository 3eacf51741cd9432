using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.HttpOverrides;

namespace CstPortal.Common;

/// <summary>
/// Browser-facing hardening in one place: the response headers every answer carries (Content-Security-Policy and
/// friends) and the cookie rules for sign-in and antiforgery cookies.
/// </summary>
public static class SecurityHeaders
{
    private const string NonceKey = "cst-csp-nonce";

    /// <summary>
    /// The policy. Scripts only from this site, plus the one inline script the framework writes (the import map),
    /// allowed by a per-response nonce; MudBlazor sets inline styles; map tiles come from OpenStreetMap; Blazor Server
    /// talks over a WebSocket to this site.
    /// </summary>
    public static string ContentSecurityPolicy(string nonce) =>
        "default-src 'self'; " +
        $"script-src 'self' 'nonce-{nonce}'; " +
        "style-src 'self' 'unsafe-inline'; " +
        "img-src 'self' data: https://tile.openstreetmap.org; " +
        "font-src 'self' data:; " +
        "connect-src 'self' ws: wss:; " +
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>The nonce of this response's policy, for the framework's inline import map (App.razor).</summary>
    public static string CspNonce(this HttpContext context)
    {
        if (context.Items[NonceKey] is string nonce) return nonce;
        nonce = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)); // hex: nothing for HTML to escape
        context.Items[NonceKey] = nonce;
        return nonce;
    }

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy(context.CspNonce());
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
            headers.XFrameOptions = "DENY"; // frame-ancestors for browsers that predate it
            headers["Permissions-Policy"] = "camera=(), microphone=(), payment=(), usb=()";
            return Task.CompletedTask;
        });
        return next(context);
    });

    /// <summary>
    /// Every cookie the app sets is HttpOnly and SameSite=Lax, and Secure whenever the request came over HTTPS.
    /// HTTPS ends at a reverse proxy in front of the app, so a proxy on the same machine passes the scheme as
    /// X-Forwarded-Proto (<see cref="UseForwardedScheme"/>); plain http (the tests, a laptop) gets no Secure flag,
    /// because a browser would drop a Secure cookie sent over http and nobody could sign in.
    /// </summary>
    public static IServiceCollection AddCstCookiePolicy(this IServiceCollection services)
    {
        services.ConfigureAll<CookieAuthenticationOptions>(o =>
        {
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        services.AddAntiforgery(o =>
        {
            o.Cookie.HttpOnly = true;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        // Only a proxy on this machine is believed (the framework's default KnownProxies: loopback). The client's own
        // address matters too: rate limits are per address, and behind a proxy every request comes from the proxy.
        services.Configure<ForwardedHeadersOptions>(o => o.ForwardedHeaders = ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedFor);
        return services;
    }

    /// <summary>Takes the scheme and client address from X-Forwarded-Proto/-For when a proxy on this machine (loopback) sends them.</summary>
    public static IApplicationBuilder UseForwardedScheme(this IApplicationBuilder app) => app.UseForwardedHeaders();
}
