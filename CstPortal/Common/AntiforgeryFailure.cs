using System.Net;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.Localization;

namespace CstPortal.Common;

/// <summary>
/// A form post whose antiforgery token is missing, forged or from another browser is answered here, before any
/// endpoint sees it: 400 and a short generic page. Without this, Razor component forms answered 400 with an empty
/// body, and minimal API form endpoints (sign-out) threw while binding the form, which became a 500.
/// </summary>
public static class AntiforgeryFailure
{
    public static IApplicationBuilder UseAntiforgeryFailurePage(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.Features.Get<IAntiforgeryValidationFeature>() is { IsValid: false }
            && context.GetEndpoint()?.Metadata.GetMetadata<IAntiforgeryMetadata>() is { RequiresValidation: true })
        {
            var services = context.RequestServices;
            services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AntiforgeryFailure))
                .LogWarning("Refused a {Method} to {Path} without a valid antiforgery token", context.Request.Method, LogSafe.Value(context.Request.Path.Value));
            var L = services.GetRequiredService<IStringLocalizer<SharedResource>>();
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            context.Response.ContentType = "text/html; charset=utf-8";
            context.Response.Headers.CacheControl = "no-store";
            await context.Response.WriteAsync($"""
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
                <title>{WebUtility.HtmlEncode(L["Form not accepted"])}</title></head>
                <body style="font-family: sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem">
                <h1>{WebUtility.HtmlEncode(L["Form not accepted"])}</h1>
                <p>{WebUtility.HtmlEncode(L["The form could not be accepted: it may have expired or come from another site. Nothing was changed. Go back, reload the page and try again."])}</p>
                <p><a href="/">{WebUtility.HtmlEncode(L["Go to the home page"])}</a></p>
                </body></html>
                """, context.RequestAborted);
            return;
        }
        await next(context);
    });
}
