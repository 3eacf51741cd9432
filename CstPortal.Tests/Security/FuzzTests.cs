using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CstPortal.Common;
using CstPortal.Data;
using CstPortal.Features.ApiKeys;
using CstPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CstPortal.Tests.Security;

/// <summary>The API host without its background jobs, so that "nothing changed" means nothing the requests changed.</summary>
public sealed class QuietApiAppFactory : ApiAppFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            foreach (var quartz in services.Where(d => d.ServiceType == typeof(IHostedService)
                         && d.ImplementationType?.Assembly == typeof(Quartz.IJob).Assembly).ToList())
                services.Remove(quartz);
        });
    }
}

/// <summary>
/// Thousands of malformed and hostile requests, generated from a fixed seed, to Open311, the integration REST API,
/// the GeoJSON feeds and the exports: broken UTF-8, huge values, wrong types, SQL and script fragments, coordinates
/// off the globe, impossible dates, deep and huge JSON, wrong content types. None may answer 5xx; every request
/// built to be invalid gets a 4xx with a body that says why; and afterwards nothing has changed.
/// </summary>
public class FuzzTests(QuietApiAppFactory factory) : IClassFixture<QuietApiAppFactory>
{
    private const int Seed = 20261124;
    private const int Cases = 2500;

    private static readonly string[] Hostile =
    [
        "", " ", "0", "-1", "1e309", "NaN", "Infinity", "-Infinity", "999999999999999999999999", "2147483648", "-2147483649", "0x10", "1,5",
        "' OR 1=1 --", "'; DROP TABLE Requests; --", "\" OR \"\"=\"", "1; SELECT * FROM AspNetUsers", "%", "_", "\\", "\\\\server\\share",
        "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "javascript:alert(1)", "{{7*7}}", "${jndi:ldap://x}", "../../etc/passwd",
        "\0", "a\0b", "\r\nSet-Cookie: x=1", "\u202Egnp.exe", "\uFFFD\uFFFE", "\uD800", "😀😀😀", "true", "null", "[]", "{}",
        "2026-13-45", "0000-00-00", "9999-12-31T99:99:99Z", "2026-02-30", "-0001-01-01", "1.7976931348623157E+308", "2026-11-24T25:61:00+99:00",
        "91", "-91", "181", "-181", "90.0000001", "1000000", "-180,-90,180,90,1", "1,2,3", "a,b,c,d", "10,10,-10,-10", "0,0,0,0",
        "P0", "P5", "p1 ", "open,closed,unknown", "CST-2026-", "CST-9999-999999", "cst-2026-000001' --", new string('A', 5000),
    ];

    private static readonly string[] HugeOrBroken = [new string('x', 200_000), string.Concat(Enumerable.Repeat("%C3%28", 2000)), "%FF%FE%FD", "%ED%A0%80", "%C0%AF", "%00"];

    private sealed record Case(string Name, HttpMethod Method, string Path, HttpContent? Body, string? Auth, bool MustFail);

    private static string Pick(Random random) =>
        random.Next(10) == 0 ? HugeOrBroken[random.Next(HugeOrBroken.Length)] : Uri.EscapeDataString(Hostile[random.Next(Hostile.Length)]);

    /// <summary>For a path segment: the same, less NUL (Kestrel answers 400 to a NUL in the path before the app sees it; the test server throws).</summary>
    private static string Segment(Random random)
    {
        while (true)
            if (Pick(random) is var value && !value.Contains("%00", StringComparison.Ordinal)) return value;
    }

    private static string Raw(Random random) => random.Next(10) == 0 ? new string('y', 100_000) : Hostile[random.Next(Hostile.Length)];

    private static string QueryOf(Random random, string[] names, int max = 3) =>
        string.Join("&", Enumerable.Range(0, random.Next(1, max + 1)).Select(_ => $"{names[random.Next(names.Length)]}={Pick(random)}"));

    private static HttpContent Json(string text, string contentType = "application/json") => new StringContent(text, Encoding.UTF8, MediaTypeHeaderValue.Parse(contentType));

    private static string HostileJson(Random random) => random.Next(12) switch
    {
        0 => new string('[', 10_000) + new string(']', 10_000), // deep
        1 => "[" + string.Join(",", Enumerable.Repeat("{\"a\":1}", 60_000)) + "]", // huge
        2 => "{\"action\": 5, \"expectedVersion\": \"abc\"}",
        3 => "{\"action\": [\"triage\"], \"expectedVersion\": 1e400}",
        4 => "{\"text\": {\"$ne\": null}, \"visibility\": 7}",
        5 => "{\"action\": \"Triage\", \"expectedVersion\": -1, \"priority\": \"P9\"}",
        6 => "{\"action\": \"Assign\", \"expectedVersion\": 1, \"agentId\": \"one\"}",
        7 => "not json at all",
        8 => "{\"action\": \"\\uD800\", \"kind\": \"arrived\"",
        9 => "\u00FF\u00FE{",
        10 => "{\"closeReason\": \"Duplicate; DROP TABLE\", \"action\": \"CloseWithReason\", \"expectedVersion\": 1, \"masterNumber\": \"' OR 1=1\"}",
        _ => "{\"action\": \"" + Raw(random).Replace("\"", "\\\"") + "\"}",
    };

    private static IEnumerable<Case> Generate(string existingNumber, string restToken, string open311Key)
    {
        var random = new Random(Seed);
        string[] open311Query = ["service_request_id", "service_code", "start_date", "end_date", "status", "page", "page_size", "jurisdiction_id", "lat", "long"];
        string[] geoQuery = ["bbox", "category", "from", "to", "overdue", "page", "pageSize", "priority", "status", "team", "weight", "zone", "zoom"];
        string[] exportQuery = ["from", "to", "categoryId", "zoneId", "teamId", "priority"];
        string[] restQuery = ["status", "openOnly", "categoryId", "zoneId", "search", "page", "pageSize"];
        string[] badExportValue = ["2026-13-45", "9999-99-99", "abc", "1e309", "P7", "' OR 1=1"];
        string[] formats = ["json", "xml", "html", "exe", "JSON", "json%20", "..%2F..%2Fx"];
        string Format() => formats[random.Next(formats.Length)];

        for (var i = 0; i < Cases; i++)
        {
            switch (random.Next(12))
            {
                case 0:
                    yield return new($"open311 list {i}", HttpMethod.Get, $"/open311/v2/requests.{Format()}?{QueryOf(random, open311Query)}", null, null, false);
                    break;
                case 1:
                    yield return new($"open311 one {i}", HttpMethod.Get, $"/open311/v2/requests/{Segment(random)}.{Format()}", null, null, false);
                    break;
                case 2:
                    yield return new($"open311 misc {i}", HttpMethod.Get, random.Next(3) switch
                    {
                        0 => $"/open311/v2/services/{Segment(random)}.{Format()}",
                        1 => $"/open311/v2/tokens/{Segment(random)}.{Format()}",
                        _ => $"/open311/v2/servicerequestupdates.{Format()}?start_date={Pick(random)}&end_date={Pick(random)}",
                    }, null, null, false);
                    break;
                case 3:
                case 4:
                {
                    // A POST with one defect that makes it invalid for sure, and hostile values in the other fields.
                    var fields = new Dictionary<string, string>
                    {
                        ["api_key"] = open311Key, ["service_code"] = "pothole", ["lat"] = Scenario.CityCentre.Lat.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        ["long"] = Scenario.CityCentre.Lng.ToString(System.Globalization.CultureInfo.InvariantCulture), ["description"] = Raw(random),
                        ["attribute[size]"] = "large", ["email"] = Raw(random), ["address_string"] = Raw(random),
                    };
                    switch (random.Next(7))
                    {
                        case 0: fields["lat"] = Raw(random) is var lat && double.TryParse(lat, System.Globalization.CultureInfo.InvariantCulture, out var v) && v is >= -90 and <= 90 ? "95" : lat; break;
                        case 1: fields["service_code"] = Raw(random) + "-unknown"; break;
                        case 2: fields.Remove("long"); break;
                        case 3: fields["attribute[size]"] = Raw(random) + "-not-a-choice"; break;
                        case 4: fields["media_url"] = "javascript:" + Raw(random); break;
                        case 5: fields["api_key"] = Raw(random) + "-no-such-key"; break;
                        default: fields["description"] = new string('d', 5000) + Raw(random); break;
                    }
                    HttpContent body = random.Next(4) switch
                    {
                        0 => new ByteArrayContent([.. Encoding.UTF8.GetBytes(string.Join("&", fields.Select(f => $"{f.Key}={Uri.EscapeDataString(f.Value)}"))), 0xFF, 0xFE, 0xC3, 0x28])
                        { Headers = { ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded") } },
                        1 => Json(System.Text.Json.JsonSerializer.Serialize(fields)), // the wrong content type for Open311
                        _ => new FormUrlEncodedContent(fields),
                    };
                    yield return new($"open311 post {i}", HttpMethod.Post, $"/open311/v2/requests.{(random.Next(2) == 0 ? "json" : "xml")}", body, null, true);
                    break;
                }
                case 5:
                    yield return new($"rest list {i}", HttpMethod.Get, $"/api/v1/requests?{QueryOf(random, restQuery)}", null, restToken, false);
                    break;
                case 6:
                    yield return new($"rest one {i}", HttpMethod.Get, $"/api/v1/requests/{Segment(random)}{(random.Next(2) == 0 ? "/audit" : "")}", null, restToken, false);
                    break;
                case 7:
                case 8:
                {
                    var endpoint = new[] { "transitions", "milestones", "notes" }[random.Next(3)];
                    // Either a request that does not exist with any body, or the existing one with a body that cannot be valid.
                    var target = random.Next(2) == 0 ? existingNumber : "CST-1999-" + random.Next(1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
                    var json = target == existingNumber ? HostileJson(random) : random.Next(2) == 0 ? HostileJson(random) : "{\"action\":\"Triage\",\"expectedVersion\":1,\"text\":\"x\",\"kind\":\"arrived\"}";
                    var contentType = random.Next(5) == 0 ? "text/plain" : random.Next(5) == 0 ? "application/xml" : "application/json";
                    yield return new($"rest post {endpoint} {i}", HttpMethod.Post, $"/api/v1/requests/{target}/{endpoint}", Json(json, contentType), restToken,
                        MustFail: true);
                    break;
                }
                case 9:
                case 10:
                    yield return new($"geo {i}", HttpMethod.Get, $"/api/geo/{new[] { "requests.geojson", "zones.geojson", "heat.json" }[random.Next(3)]}?{QueryOf(random, geoQuery, 4)}",
                        null, null, false);
                    break;
                default:
                {
                    // Exports with at least one value no filter accepts (a valid filter would stream a whole file).
                    var bad = $"{exportQuery[random.Next(exportQuery.Length)]}={Uri.EscapeDataString(badExportValue[random.Next(badExportValue.Length)])}";
                    yield return new($"export {i}", HttpMethod.Get, $"/api/analytics/{new[] { "requests.csv", "requests.xlsx", "sla-report.pdf" }[random.Next(3)]}?{QueryOf(random, exportQuery)}&{bad}",
                        null, "cookie", true);
                    break;
                }
            }
        }
    }

    [Fact]
    public async Task Thousands_of_hostile_requests_get_no_5xx_a_clear_4xx_when_invalid_and_change_nothing()
    {
        var services = factory.Services;
        var token = await services.GetRequiredService<ApiKeyService>().CreateAsync($"fuzz {Guid.NewGuid():N}", Roles.Dispatcher,
            $"dispatcher@{CstPortal.Data.DemoCity.DemoCityPlan.EmailDomain}", Actor.System("test"));
        Assert.True(token.Succeeded, token.Error);
        var open311Key = await services.GetRequiredService<ApiKeyService>().CreateAsync($"fuzz open311 {Guid.NewGuid():N}", null, null, Actor.System("test"));
        var manager = await factory.SignedInClientAsync("manager");
        var anonymous = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        string existing;
        await using (var db = await services.GetRequiredService<IDbContextFactory<CstDbContext>>().CreateDbContextAsync())
            existing = await db.Requests // an open request (the demo city may have no New one left): hostile input must change nothing on it
                .Where(r => r.Status != CstPortal.Features.Workflow.RequestStatus.Closed && r.Status != CstPortal.Features.Workflow.RequestStatus.Resolved)
                .OrderBy(r => r.Status).ThenBy(r => r.Id).Select(r => r.Number).FirstAsync();
        var before = await StateSnapshot.TakeAsync(services.GetRequiredService<IDbContextFactory<CstDbContext>>(), factory.DataDirectory);
        var usersBefore = await services.GetRequiredService<IDbContextFactory<CstDbContext>>().CreateDbContext().Users.CountAsync();

        var problems = new List<string>();
        var statuses = new Dictionary<int, int>();
        foreach (var c in Generate(existing, token.Value!, open311Key.Value!))
        {
            using var message = new HttpRequestMessage(c.Method, c.Path) { Content = c.Body };
            if (c.Auth is { } auth && auth != "cookie") message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", auth);
            using var response = await (c.Auth == "cookie" ? manager : anonymous).SendAsync(message);
            var status = (int)response.StatusCode;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            var body = await response.Content.ReadAsStringAsync();
            if (status >= 500) problems.Add($"{c.Name}: {status} for {c.Method} {Short(c.Path)}: {Short(body)}");
            else if (c.MustFail && status is < 400 or > 499) problems.Add($"{c.Name}: expected a 4xx, got {status} for {c.Method} {Short(c.Path)}");
            else if (status is >= 400 and <= 499 && status != 404 && string.IsNullOrWhiteSpace(body)) problems.Add($"{c.Name}: {status} with no explanation for {Short(c.Path)}");
        }

        Assert.True(problems.Count == 0, $"{problems.Count} problems, e.g.:\n{string.Join("\n", problems.Take(15))}");
        Assert.True(statuses.Keys.Count(s => s is >= 400 and < 500) >= 3, string.Join(", ", statuses.Select(s => $"{s.Key}: {s.Value}")));
        Assert.Equal(before, await StateSnapshot.TakeAsync(services.GetRequiredService<IDbContextFactory<CstDbContext>>(), factory.DataDirectory));
        Assert.Equal(usersBefore, await services.GetRequiredService<IDbContextFactory<CstDbContext>>().CreateDbContext().Users.CountAsync());
        Assert.True((await services.GetRequiredService<CstPortal.Features.Audit.AuditService>().VerifyAsync()).Intact);
    }

    private static string Short(string text) => text.Length <= 160 ? text : text[..160] + "…";
}
