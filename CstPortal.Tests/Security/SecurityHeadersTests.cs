using System.Net;
using System.Text.RegularExpressions;
using CstPortal.Data;
using CstPortal.Data.DemoCity;
using CstPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CstPortal.Tests.Security;

public partial class SecurityHeadersTests(CstAppFactory factory) : IClassFixture<CstAppFactory>
{
    [Theory]
    [InlineData("/")]
    [InlineData("/Account/Login")]
    [InlineData("/api/geo/zones.geojson")]
    [InlineData("/open311/v2/services.json")]
    [InlineData("/no-such-page")]
    public async Task Every_answer_carries_the_security_headers(string url)
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var response = await client.GetAsync(url);

        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'self'", csp);
        Assert.Matches(@"script-src 'self' 'nonce-[0-9A-F]{32}';", csp);
        Assert.DoesNotContain("unsafe-eval", csp);
        Assert.Contains("style-src 'self' 'unsafe-inline'", csp);
        Assert.Contains("img-src 'self' data: https://tile.openstreetmap.org", csp);
        Assert.Contains("connect-src 'self' ws: wss:", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("strict-origin-when-cross-origin", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
    }

    [Fact]
    public async Task The_import_map_is_the_only_inline_script_and_carries_this_answers_nonce()
    {
        var client = factory.CreateClient();
        using var response = await client.GetAsync("/");
        var nonce = Nonce().Match(response.Headers.GetValues("Content-Security-Policy").Single()).Groups[1].Value;
        var html = await response.Content.ReadAsStringAsync();

        var inline = InlineScript().Matches(html).Select(m => m.Value).ToList();
        var importMap = Assert.Single(inline);
        Assert.Contains("type=\"importmap\"", importMap);
        Assert.Contains($"nonce=\"{nonce}\"", importMap);
        // A fresh nonce per answer.
        using var again = await client.GetAsync("/");
        Assert.NotEqual(nonce, Nonce().Match(again.Headers.GetValues("Content-Security-Policy").Single()).Groups[1].Value);
    }

    [Theory]
    [InlineData("http://localhost", false)]
    [InlineData("https://localhost", true)]
    public async Task Sign_in_cookie_is_HttpOnly_SameSite_Lax_and_Secure_when_the_request_is_https(string baseAddress, bool secure)
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri(baseAddress) });
        var html = await client.GetStringAsync("/Account/Login");
        var fields = HttpSignInForm.Hidden(html);
        fields["Input.Email"] = $"citizen@{DemoCityPlan.EmailDomain}";
        fields["Input.Password"] = DemoCityPlan.DemoPassword;
        using var response = await client.PostAsync("/Account/Login", new FormUrlEncodedContent(fields));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);

        var identity = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(".AspNetCore.Identity.Application=", StringComparison.Ordinal)).ToLowerInvariant();
        Assert.Contains("httponly", identity);
        Assert.Contains("samesite=lax", identity);
        Assert.Equal(secure, identity.Contains("; secure", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Antiforgery_cookie_is_HttpOnly()
    {
        var client = factory.CreateClient();
        using var response = await client.GetAsync("/Account/Login");
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(".AspNetCore.Antiforgery.", StringComparison.Ordinal)).ToLowerInvariant();
        Assert.Contains("httponly", cookie);
    }

    [GeneratedRegex("'nonce-([^']+)'")]
    private static partial Regex Nonce();

    [GeneratedRegex(@"<script(?![^>]*\bsrc=)[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();
}

/// <summary>A server error outside Development: the generic page (or problem details), never a stack trace.</summary>
public class ServerErrorTests : IAsyncLifetime
{
    private readonly CstAppFactory _factory = new();

    public async Task InitializeAsync()
    {
        _ = _factory.Server; // started: migrated and seeded
        // A real fault: the requests table disappears under the running app (as a broken disk or a bad restore would).
        await using var db = await _factory.Services.GetRequiredService<IDbContextFactory<CstDbContext>>().CreateDbContextAsync();
        await db.Database.ExecuteSqlRawAsync("ALTER TABLE ServiceRequests RENAME TO ServiceRequestsGone");
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task A_page_that_fails_shows_the_generic_error_page_without_exception_details()
    {
        var client = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var response = await client.GetAsync("/public/requests/CST-2026-000001");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains("Something went wrong", body);
        Assert.DoesNotContain("SqliteException", body);
        Assert.DoesNotContain("ServiceRequests", body);
        Assert.DoesNotContain(" at CstPortal", body);
        Assert.True(response.Headers.Contains("Content-Security-Policy"));
    }

    [Fact]
    public async Task An_API_call_that_fails_answers_a_problem_without_exception_details()
    {
        var client = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var response = await client.GetAsync("/api/geo/requests.geojson");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.DoesNotContain("SqliteException", body);
        Assert.DoesNotContain("ServiceRequests", body);
        Assert.DoesNotContain(" at CstPortal", body);
    }
}
