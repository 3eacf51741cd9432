using CstPortal.Common;

namespace CstPortal.Features.Requests;

/// <summary>
/// HTTP for the citizen portal: photos through an authorising endpoint. Citizens submit through Blazor, where
/// <see cref="CitizenLimits"/> counts per person and address; HTTP submissions come through Open311, limited per API key.
/// </summary>
public static class CitizenEndpoints
{
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
