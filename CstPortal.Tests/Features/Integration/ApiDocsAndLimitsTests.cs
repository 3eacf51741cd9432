using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using CstPortal.Common;
using CstPortal.Data;
using CstPortal.Features.ApiKeys;
using CstPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CstPortal.Tests.Features.Integration;

public class OpenApiDocumentTests(ApiAppFactory factory) : IClassFixture<ApiAppFactory>
{
    private readonly HttpClient _client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    [Fact]
    public async Task The_openapi_document_describes_both_apis_and_nothing_else()
    {
        var doc = JsonDocument.Parse(await _client.GetStringAsync("/openapi/v1.json")).RootElement;
        var paths = doc.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();

        Assert.StartsWith("3.", doc.GetProperty("openapi").GetString());
        foreach (var expected in new[]
                 {
                     "/open311/v2/discovery.{format}", "/open311/v2/services.{format}", "/open311/v2/services/{service_code}.{format}",
                     "/open311/v2/requests.{format}", "/open311/v2/tokens/{token}.{format}", "/open311/v2/requests/{service_request_id}.{format}",
                     "/open311/v2/servicerequestupdates.{format}", "/api/v1/requests", "/api/v1/requests/{number}",
                     "/api/v1/requests/{number}/transitions", "/api/v1/requests/{number}/milestones", "/api/v1/requests/{number}/notes",
                     "/api/v1/requests/{number}/audit",
                 })
            Assert.Contains(expected, paths);
        Assert.All(paths, p => Assert.True(p.StartsWith("/open311/", StringComparison.Ordinal) || p.StartsWith("/api/", StringComparison.Ordinal), p));
        Assert.True(doc.GetProperty("paths").GetProperty("/open311/v2/requests.{format}").GetProperty("post").TryGetProperty("requestBody", out _));
        var post = doc.GetProperty("paths").GetProperty("/open311/v2/requests.{format}").GetProperty("post");
        Assert.Equal(["200", "400", "403", "404", "429"], post.GetProperty("responses").EnumerateObject().Select(r => r.Name).Order());
    }

    [Fact]
    public async Task The_reference_page_lists_the_operations_of_both_apis()
    {
        var html = await _client.GetStringAsync("/developers/api");

        Assert.Contains("Open311 GeoReport v2", html);
        Assert.Contains("Integration REST API", html);
        Assert.Contains("/api/v1/requests/{number}/transitions", html);
        Assert.Contains("/open311/v2/requests.{format}", html);
    }

    [Fact]
    public async Task The_api_keys_page_is_for_admins()
    {
        var response = await _client.GetAsync("/admin/api-keys");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/Account/Login", response.Headers.Location!.OriginalString);
    }
}

public class RateLimitTests(TightRateLimitAppFactory factory) : IClassFixture<TightRateLimitAppFactory>
{
    private readonly HttpClient _client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    [Fact]
    public async Task An_open311_key_over_its_budget_gets_429_with_retry_after()
    {
        var codes = new List<HttpStatusCode>();
        HttpResponseMessage last = null!;
        for (var i = 0; i < 4; i++)
        {
            last = await _client.GetAsync("/open311/v2/services.xml?api_key=riverton-demo-key");
            codes.Add(last.StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, (HttpStatusCode)429], codes);
        Assert.NotNull(last.Headers.RetryAfter);
        Assert.Contains("<code>429</code>", await last.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_open311_submission_over_the_keys_budget_gets_429_with_retry_after_and_creates_no_request()
    {
        // A key of its own: the budget is per key per minute, and the other tests here spend the demo key's.
        var key = (await factory.Services.GetRequiredService<ApiKeyService>()
            .CreateAsync("busy open311 client", null, null, Actor.System("test"))).Value!;
        var (lat, lng) = Scenario.CityCentre;
        FormUrlEncodedContent Pothole(int i) => new(new Dictionary<string, string>
        {
            ["api_key"] = key, ["service_code"] = "pothole", ["description"] = $"Pothole number {i} by the bus stop",
            ["lat"] = lat.ToString(CultureInfo.InvariantCulture), ["long"] = lng.ToString(CultureInfo.InvariantCulture), ["attribute[size]"] = "large",
        });
        async Task<int> CountAsync()
        {
            await using var db = await factory.Services.GetRequiredService<IDbContextFactory<CstDbContext>>().CreateDbContextAsync();
            return await db.Requests.CountAsync();
        }
        var before = await CountAsync();

        for (var i = 0; i < 3; i++)
        {
            var accepted = await _client.PostAsync("/open311/v2/requests.json", Pothole(i));
            Assert.True(accepted.StatusCode == HttpStatusCode.OK, await accepted.Content.ReadAsStringAsync());
        }
        Assert.Equal(before + 3, await CountAsync()); // within the budget, each post is a real submission
        var limited = await _client.PostAsync("/open311/v2/requests.json", Pothole(3));

        Assert.Equal((HttpStatusCode)429, limited.StatusCode);
        Assert.NotNull(limited.Headers.RetryAfter);
        Assert.Equal(429, JsonDocument.Parse(await limited.Content.ReadAsStringAsync()).RootElement[0].GetProperty("code").GetInt32());
        Assert.Equal(before + 3, await CountAsync());
    }

    [Fact]
    public async Task Made_up_keys_share_the_client_address_budget_instead_of_getting_one_each()
    {
        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
            codes.Add((await _client.GetAsync($"/open311/v2/discovery.json?api_key=made-up-{i}")).StatusCode);

        Assert.Equal((HttpStatusCode)429, codes[^1]);
    }

    [Fact]
    public async Task A_rest_token_over_its_budget_gets_429_problem_details_while_another_token_goes_on()
    {
        var keys = factory.Services.GetRequiredService<ApiKeyService>();
        var busy = (await keys.CreateAsync("busy integration", Roles.Manager, null, Actor.System("test"))).Value!;
        var quiet = (await keys.CreateAsync("quiet integration", Roles.Manager, null, Actor.System("test"))).Value!;

        async Task<HttpResponseMessage> Call(string token)
        {
            using var message = new HttpRequestMessage(HttpMethod.Get, "/api/v1/requests?pageSize=1");
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return await _client.SendAsync(message);
        }
        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.OK, (await Call(busy)).StatusCode);

        var limited = await Call(busy);
        var other = await Call(quiet);

        Assert.Equal((HttpStatusCode)429, limited.StatusCode);
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }
}
