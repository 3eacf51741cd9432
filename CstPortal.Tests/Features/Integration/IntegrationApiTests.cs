using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CstPortal.Common;
using CstPortal.Data;
using CstPortal.Features.ApiKeys;
using CstPortal.Features.Requests;
using CstPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CstPortal.Tests.Features.Integration;

/// <summary>The integration REST API: per-integration tokens with a role, the UI's workflow rules and audit, problem details.</summary>
public class IntegrationApiTests(ApiAppFactory factory) : IClassFixture<ApiAppFactory>
{
    private readonly HttpClient _client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    private async Task<string> TokenAsync(string? role, string? userEmail = null)
    {
        var created = await factory.Services.GetRequiredService<ApiKeyService>()
            .CreateAsync($"test {role ?? "open311"} {Guid.NewGuid():N}", role, userEmail, Actor.System("test"));
        Assert.True(created.Succeeded, created.Error);
        return created.Value!;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token, object? body = null, string? ifMatch = null)
    {
        using var message = new HttpRequestMessage(method, path);
        if (token is not null) message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null) message.Content = JsonContent.Create(body);
        if (ifMatch is not null) message.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return await _client.SendAsync(message);
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        return problem;
    }

    private async Task<string> NewRequestAsync(string description)
    {
        var requests = factory.Services.GetRequiredService<RequestService>();
        var pothole = (await requests.CategoriesAsync()).Single(c => c.Name == "Pothole").Id;
        var receipt = await requests.SubmitAsync(new SubmitInput(pothole, description, Scenario.CityCentre.Lat, Scenario.CityCentre.Lng, "3 Test Street",
            new Dictionary<string, string> { ["size"] = "small" }, "reporter.secret@mail.example"), Actor.Anonymous);
        Assert.True(receipt.Succeeded, receipt.Error);
        return receipt.Value!.Number;
    }

    private async Task<long> VersionAsync(string number, string token)
    {
        var response = await SendAsync(HttpMethod.Get, $"/api/v1/requests/{number}", token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return long.Parse(response.Headers.ETag!.Tag.Trim('"'), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Without_a_token_or_with_an_open311_only_key_the_api_answers_401_problem_details()
    {
        var none = await SendAsync(HttpMethod.Get, "/api/v1/requests", null);
        var open311Only = await SendAsync(HttpMethod.Get, "/api/v1/requests", "riverton-demo-key");
        var wrong = await SendAsync(HttpMethod.Get, "/api/v1/requests", "no-such-token-at-all");

        await ProblemAsync(none, HttpStatusCode.Unauthorized);
        await ProblemAsync(open311Only, HttpStatusCode.Unauthorized);
        await ProblemAsync(wrong, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_token_without_the_role_gets_403()
    {
        var manager = await TokenAsync(Roles.Manager);
        var agent = await TokenAsync(Roles.Agent);
        var number = await NewRequestAsync("Role check pothole");

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "/api/v1/requests", manager)).StatusCode);
        await ProblemAsync(await SendAsync(HttpMethod.Post, $"/api/v1/requests/{number}/transitions", manager, new { action = "Triage", expectedVersion = 1 }), HttpStatusCode.Forbidden);
        await ProblemAsync(await SendAsync(HttpMethod.Post, $"/api/v1/requests/{number}/notes", manager, new { text = "hello", visibility = "internal" }), HttpStatusCode.Forbidden);
        await ProblemAsync(await SendAsync(HttpMethod.Get, $"/api/v1/requests/{number}/audit", agent), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_revoked_token_stops_working()
    {
        var keys = factory.Services.GetRequiredService<ApiKeyService>();
        var token = await TokenAsync(Roles.Dispatcher);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "/api/v1/requests", token)).StatusCode);

        var id = (await keys.ListAsync()).Single(k => token.StartsWith(k.Prefix, StringComparison.Ordinal) && k.RevokedAt is null && k.Role == Roles.Dispatcher).Id;
        Assert.True((await keys.RevokeAsync(id, Actor.System("test"))).Succeeded);

        await ProblemAsync(await SendAsync(HttpMethod.Get, "/api/v1/requests", token), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Lists_filter_and_page_and_a_request_never_shows_its_reporter()
    {
        var token = await TokenAsync(Roles.Dispatcher);
        // Five new requests of its own: the demo city's few New ones may be triaged by other tests or the jobs meanwhile.
        for (var i = 0; i < 4; i++) await NewRequestAsync($"Listed pothole {i}");
        var number = await NewRequestAsync("Listed pothole");

        var page = await (await SendAsync(HttpMethod.Get, "/api/v1/requests?status=new&pageSize=5&page=1", token)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(5, page.GetProperty("items").GetArrayLength());
        Assert.All(page.GetProperty("items").EnumerateArray(), r => Assert.Equal("new", r.GetProperty("status").GetString()));
        Assert.True(page.GetProperty("total").GetInt32() >= 5);

        var found = await (await SendAsync(HttpMethod.Get, $"/api/v1/requests?search={number}", token)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(number, found.GetProperty("items")[0].GetProperty("number").GetString());

        var detail = await SendAsync(HttpMethod.Get, $"/api/v1/requests/{number}", token);
        var text = await detail.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, detail.StatusCode);
        Assert.Contains("\"status\":\"new\"", text);
        Assert.DoesNotContain("reporter.secret", text);
        Assert.DoesNotContain("reporter", text, StringComparison.OrdinalIgnoreCase);

        await ProblemAsync(await SendAsync(HttpMethod.Get, "/api/v1/requests?status=sleeping", token), HttpStatusCode.BadRequest);
        await ProblemAsync(await SendAsync(HttpMethod.Get, "/api/v1/requests/CST-1999-000001", token), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_integration_runs_the_workflow_with_the_same_rules_and_audit_as_the_ui()
    {
        var dispatcher = await TokenAsync(Roles.Dispatcher);
        var fieldApp = await TokenAsync(Roles.Agent, "agent@riverton.example");
        var supervisor = await TokenAsync(Roles.Supervisor);
        var number = await NewRequestAsync("Workflow pothole");
        int agentId;
        await using (var db = await factory.Services.GetRequiredService<IDbContextFactory<CstDbContext>>().CreateDbContextAsync())
            agentId = await db.Agents.Where(a => a.DisplayName == "Amir Agent").Select(a => a.Id).SingleAsync();

        // Triage with the version in the body, assign with If-Match.
        var v = await VersionAsync(number, dispatcher);
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(HttpMethod.Post, $"/api/v1/requests/{number}/transitions", dispatcher, new { action = "Triage", expectedVersion = v })).StatusCode);
        // The same version again is stale: 409 from the body, 412 from If-Match.
        await ProblemAsync(await SendAsync(HttpMethod.Post, $"/api/v1/requests/{number}/transitions", dispatcher, new { action = "Assign", agentId, expectedVersion = v }), HttpStatusCode.Conflict);
        await ProblemAsync(await SendAsync(HttpMethod.Post, $"/api/v1/requests/{number}/transitions", dispatcher, new { action = "Assign", agentId }, ifMatch: $"\"{v}\""), HttpStatusCode.PreconditionFailed);
        await ProblemAsync(await SendAsync(HttpMethod.Post, $"/api/v1/requests/{number}/transitions", dispatcher, new { action = "Assign", agentId }), (HttpStatusCode)428);
        v = await VersionAsync(number, dispatcher);
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(HttpMethod.Post, $"/api/v1/requests/{number}/transitions", dispatcher, new { action = "Assign", agentId }, ifMatch: $"\"{v}\"")).StatusCode);

        // The workflow's own rules: a dispatcher may not start the work; the field app (acting for the assigned agent) may.
        v = await VersionAsync(number, dispatcher);
        var notAllowed = await ProblemAsync(await SendAsync(HttpMethod.Post, $"/api/v1/requests/{number}/transitions", dispatcher, new { action = "Start", expectedVersion = v }), HttpStatusCode.UnprocessableEntity);
        Assert.False(string.IsNullOrWhiteSpace(notAllowed.GetProperty("detail").GetString()));
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(HttpMethod.Post, $"/api/v1/requests/{number}/milestones", fieldApp, new { kind = "arrived", expectedVersion = v, latitude = 40.05, longitude = -83.0 })).StatusCode);
        v = await VersionAsync(number, fieldApp);
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(HttpMethod.Post, $"/api/v1/requests/{number}/transitions", fieldApp, new { action = "start", expectedVersion = v })).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(HttpMethod.Post, $"/api/v1/requests/{number}/notes", dispatcher, new { text = "Crew needs a cone", visibility = "internal" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(HttpMethod.Post, $"/api/v1/requests/{number}/notes", dispatcher, new { text = "Our crew is on it.", visibility = "public" })).StatusCode);
        await ProblemAsync(await SendAsync(HttpMethod.Post, $"/api/v1/requests/{number}/notes", dispatcher, new { text = "x", visibility = "shouted" }), HttpStatusCode.BadRequest);
        await ProblemAsync(await SendAsync(HttpMethod.Post, $"/api/v1/requests/{number}/notes", dispatcher, new { text = " ", visibility = "internal" }), HttpStatusCode.UnprocessableEntity);
        await ProblemAsync(await SendAsync(HttpMethod.Post, $"/api/v1/requests/{number}/transitions", dispatcher, new { action = "Teleport", expectedVersion = v }), HttpStatusCode.BadRequest);

        var detail = await (await SendAsync(HttpMethod.Get, $"/api/v1/requests/{number}", supervisor)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("in_progress", detail.GetProperty("status").GetString());
        Assert.Contains(detail.GetProperty("internalNotes").EnumerateArray(), n => n.GetProperty("detail").GetString() == "Crew needs a cone");

        var audit = await (await SendAsync(HttpMethod.Get, $"/api/v1/requests/{number}/audit", supervisor)).Content.ReadFromJsonAsync<JsonElement>();
        var actions = audit.EnumerateArray().Select(a => a.GetProperty("action").GetString()).ToList();
        Assert.Equal(["request.comment", "request.note", "request.start", "request.arrived", "request.assign", "request.triage", "request.submit"], actions);
        Assert.All(audit.EnumerateArray().Take(6), a => Assert.EndsWith("(API)", a.GetProperty("actorName").GetString()));
    }

    [Fact]
    public async Task A_caller_whose_language_is_arabic_gets_the_same_statuses_with_arabic_details()
    {
        // The status comes from the failure's kind, never from its (translated) message.
        var dispatcher = await TokenAsync(Roles.Dispatcher);
        var number = await NewRequestAsync("Arabic caller pothole");
        var v = await VersionAsync(number, dispatcher);
        _client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("ar");
        try
        {
            var missing = await ProblemAsync(await SendAsync(HttpMethod.Post, "/api/v1/requests/CST-1999-999999/transitions", dispatcher, new { action = "Triage", expectedVersion = 1 }), HttpStatusCode.NotFound);
            Assert.Matches(@"\p{IsArabic}", missing.GetProperty("detail").GetString()!);
            await ProblemAsync(await SendAsync(HttpMethod.Post, $"/api/v1/requests/{number}/transitions", dispatcher, new { action = "Triage", expectedVersion = v + 7 }), HttpStatusCode.Conflict);
            await ProblemAsync(await SendAsync(HttpMethod.Post, "/api/v1/requests/CST-1999-999999/notes", dispatcher, new { text = "Cones", visibility = "internal" }), HttpStatusCode.NotFound);
        }
        finally { _client.DefaultRequestHeaders.AcceptLanguage.Clear(); }
    }

    [Fact]
    public async Task An_agent_token_lists_only_the_work_of_the_agent_it_acts_for()
    {
        var fieldApp = await TokenAsync(Roles.Agent, "agent@riverton.example");
        var unbound = await TokenAsync(Roles.Agent);
        int agentId;
        await using (var db = await factory.Services.GetRequiredService<IDbContextFactory<CstDbContext>>().CreateDbContextAsync())
            agentId = await db.Agents.Where(a => a.DisplayName == "Amir Agent").Select(a => a.Id).SingleAsync();

        var mine = await (await SendAsync(HttpMethod.Get, "/api/v1/requests?pageSize=200", fieldApp)).Content.ReadFromJsonAsync<JsonElement>();
        var none = await (await SendAsync(HttpMethod.Get, "/api/v1/requests", unbound)).Content.ReadFromJsonAsync<JsonElement>();

        Assert.True(mine.GetProperty("total").GetInt32() > 0);
        Assert.All(mine.GetProperty("items").EnumerateArray(), r => Assert.Equal("Amir Agent", r.GetProperty("assignee").GetString()));
        Assert.Equal(0, none.GetProperty("total").GetInt32());
        Assert.True(agentId > 0);
    }

    [Fact]
    public async Task Malformed_json_is_a_problem_not_a_page()
    {
        var token = await TokenAsync(Roles.Dispatcher);
        using var message = new HttpRequestMessage(HttpMethod.Post, "/api/v1/requests/CST-2026-000001/transitions")
        {
            Content = new StringContent("{ not json", System.Text.Encoding.UTF8, "application/json"),
        };
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var response = await _client.SendAsync(message);

        await ProblemAsync(response, HttpStatusCode.BadRequest);
    }
}
