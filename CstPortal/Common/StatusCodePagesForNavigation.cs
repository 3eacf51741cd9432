using Microsoft.AspNetCore.Diagnostics;

namespace CstPortal.Common;

/// <summary>
/// The site's "not found" page answers what a browser navigates to (GET and HEAD). Other methods keep their bare
/// status code: re-executing a POST (a Blazor disconnect beacon for a circuit already gone, a form sent to an address
/// that no longer exists) as a POST to the page ran into the antiforgery check and answered "form not accepted",
/// logging a refused form that nobody had sent.
/// </summary>
public static class StatusCodePagesForNavigation
{
    public static IApplicationBuilder UseStatusCodePagesOnlyForNavigation(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method)
            && context.Features.Get<IStatusCodePagesFeature>() is { } pages)
            pages.Enabled = false;
        return next(context);
    });
}
