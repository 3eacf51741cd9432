using System.Net;
using System.Reflection;
using System.Text.RegularExpressions;
using CstPortal.Common;
using CstPortal.Data;
using CstPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CstPortal.Tests.Security;

/// <summary>
/// Every page and endpoint the app has, requested as anonymous and as each of the six roles (signed in through the
/// real login form), checked against <see cref="AccessMatrix"/>.
/// </summary>
public partial class AuthorizationMatrixTests(ApiAppFactory factory) : IClassFixture<ApiAppFactory>
{
    public static TheoryData<string> Identities() => ["anonymous", .. Roles.All];

    /// <summary>"GET /template" for every page component (its [Route]s) and every mapped endpoint of the app.</summary>
    private static IReadOnlyList<string> DiscoverRoutes(IServiceProvider services)
    {
        var pages = typeof(Program).Assembly.GetTypes()
            .SelectMany(t => t.GetCustomAttributes<Microsoft.AspNetCore.Components.RouteAttribute>())
            .Select(r => "GET " + r.Template);

        var endpoints = services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<ComponentTypeMetadata>() is null) // pages: found above, from the assembly
            .Where(e => !IsStaticOrFramework(e))
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(m => $"{m} /{e.RoutePattern.RawText!.TrimStart('/')}"));

        return pages.Concat(endpoints).Distinct().Order(StringComparer.Ordinal).ToList();
    }

    private static bool IsStaticOrFramework(RouteEndpoint e)
    {
        var pattern = e.RoutePattern.RawText ?? "";
        if (pattern.TrimStart('/').StartsWith('_')) return true; // _blazor, _framework, _content
        return e.Metadata.Any(m => m.GetType().Namespace == "Microsoft.AspNetCore.StaticAssets");
    }

    [Fact]
    public void Every_page_and_endpoint_is_declared_in_the_access_matrix_and_nothing_else()
    {
        var routes = DiscoverRoutes(factory.Services);
        var undeclared = routes.Where(r => !AccessMatrix.Rows.ContainsKey(r)).ToList();
        var stale = AccessMatrix.Rows.Keys.Where(k => !routes.Contains(k)).ToList();
        Assert.True(undeclared.Count == 0, "Declare these in AccessMatrix.Rows: " + string.Join("; ", undeclared));
        Assert.True(stale.Count == 0, "AccessMatrix names routes the app does not have: " + string.Join("; ", stale));
    }

    [Theory]
    [MemberData(nameof(Identities))]
    public async Task Each_identity_reaches_exactly_what_the_matrix_allows(string identity)
    {
        var role = identity == "anonymous" ? null : identity;
        var client = role is null
            ? factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false })
            : await factory.SignedInClientAsync(role.ToLowerInvariant());
        var number = await DemoRequestNumberAsync();

        // A real antiforgery token for this identity, so that a form POST that gets through authorisation is not
        // refused for a missing token instead. Logout goes last: it ends the session.
        var token = Token().Match(await client.GetStringAsync("/Account/Login")).Groups[1].Value;
        var routes = DiscoverRoutes(factory.Services).Where(AccessMatrix.Rows.ContainsKey)
            .OrderBy(r => r == "POST /Account/Logout").ToList();

        var mismatches = new List<string>();
        foreach (var route in routes)
        {
            var access = AccessMatrix.Rows[route];
            var (method, template) = (route[..route.IndexOf(' ')], route[(route.IndexOf(' ') + 1)..]);
            var url = Fill(template, number);
            using var message = new HttpRequestMessage(new HttpMethod(method), url);
            if (method == "POST")
                message.Content = template.StartsWith("/api/", StringComparison.Ordinal)
                    ? new StringContent("{}", System.Text.Encoding.UTF8, "application/json") // JSON APIs: else routing answers 415 first
                    : new FormUrlEncodedContent([new("__RequestVerificationToken", WebUtility.HtmlDecode(token))]);
            using var response = await client.SendAsync(message);

            var denied = IsDenied(response);
            if ((int)response.StatusCode >= 500)
                mismatches.Add($"{route} ({url}): {(int)response.StatusCode} server error");
            else if (denied == access.Allows(role))
                mismatches.Add($"{route} ({url}): expected {(access.Allows(role) ? "allowed" : "denied")} ({access.Description}), got {(int)response.StatusCode} {response.Headers.Location}");
        }
        Assert.True(mismatches.Count == 0, $"As {identity}:\n" + string.Join("\n", mismatches));
    }

    /// <summary>Denied: 401/403, or the cookie handler's redirect to sign in or "access denied" (it always adds ReturnUrl).</summary>
    private static bool IsDenied(HttpResponseMessage response) =>
        response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
        || (response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found
            && response.Headers.Location?.OriginalString is { } location
            && (location.Contains("/Account/Login?ReturnUrl", StringComparison.OrdinalIgnoreCase)
                || location.Contains("/Account/AccessDenied?ReturnUrl", StringComparison.OrdinalIgnoreCase)));

    private static string Fill(string template, string number) => Parameter().Replace(template, m => m.Groups[1].Value switch
    {
        "Number" or "number" or "service_request_id" => number,
        "format" => "json",
        "service_code" => "pothole",
        "documentName" => "v1",
        "id" => "1",
        "rest" => "nothing-here",
        _ => "x",
    });

    private async Task<string> DemoRequestNumberAsync()
    {
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<CstDbContext>>().CreateDbContextAsync();
        return await db.Requests.OrderBy(r => r.Id).Select(r => r.Number).FirstAsync();
    }

    [GeneratedRegex("""name="__RequestVerificationToken" value="([^"]+)" """)]
    private static partial Regex Token();

    [GeneratedRegex(@"\{\**([A-Za-z_]+)[^}]*\}")]
    private static partial Regex Parameter();
}
