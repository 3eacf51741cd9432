using CstPortal.Features.ApiKeys;
using CstPortal.Features.Open311;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.OpenApi;

namespace CstPortal.Features.Integration;

/// <summary>Composition of the two machine APIs (Open311 and REST): keys, rate limits, auth, problem details, OpenAPI.</summary>
public static class ApiSetup
{
    public const string OpenApiDocument = "v1";
    public const string OpenApiPath = "/openapi/v1.json";

    public static IServiceCollection AddCstApis(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<ApiOptions>(configuration.GetSection(ApiOptions.Section));
        services.AddSingleton<ApiRateLimiter>();
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, ApiTokenAuthentication>(ApiTokenAuthentication.SchemeName, null);
        services.AddAuthorization(IntegrationEndpoints.AddIntegrationPolicies);
        services.AddProblemDetails();
        services.AddOpenApi(OpenApiDocument, o =>
        {
            o.ShouldInclude = d => d.RelativePath is { } p && (p.StartsWith("api/", StringComparison.Ordinal) || p.StartsWith("open311/", StringComparison.Ordinal));
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "CstPortal APIs",
                    Version = "v1",
                    Description = "Open311 GeoReport v2 at /open311/v2/ (JSON or XML by suffix; api_key for POST) and the integration REST API " +
                                  "at /api/v1/ (Bearer token with a role; problems as RFC 9457 problem details).",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes["bearer"] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http, Scheme = "bearer", Description = "An API key created by an administrator, with a role.",
                };
                return Task.CompletedTask;
            });
        });
        return services;
    }

    /// <summary>
    /// The APIs answer errors in their own format, never with the site's HTML pages: an empty error response gets
    /// a body (Open311 errors or problem details), and an unexpected exception becomes a 500 in that format.
    /// </summary>
    public static IApplicationBuilder UseApiErrorBodies(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var path = context.Request.Path;
        var open311 = path.StartsWithSegments(Open311Endpoints.Prefix, StringComparison.OrdinalIgnoreCase);
        if (!open311 && !path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
        {
            await next(context);
            return;
        }
        if (context.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodePagesFeature>() is { } pages) pages.Enabled = false;
        try
        {
            await next(context);
        }
        catch (Exception ex) when (!context.Response.HasStarted && ex is not OperationCanceledException)
        {
            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("CstPortal.Api").LogError(ex, "API request failed");
            context.Response.Clear();
            context.Response.StatusCode = ex is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError;
        }
        if (context.Response.HasStarted || context.Response.StatusCode < 400 || context.Response.ContentLength > 0 || context.Response.ContentType is not null) return;
        var status = context.Response.StatusCode;
        if (open311)
        {
            var format = path.Value!.EndsWith(".xml", StringComparison.OrdinalIgnoreCase) ? Open311Document.Xml : Open311Document.Json;
            var code = status is 403 or 404 or 429 or >= 500 ? status : 400;
            await Open311Result.Error(code, code >= 500 ? "Something went wrong on our side. Try again later." : "The request could not be read.", format).ExecuteAsync(context);
        }
        else
        {
            await Results.Problem(statusCode: status, detail: status >= 500 ? "Something went wrong on our side. Try again later." : null).ExecuteAsync(context);
        }
    });
}
