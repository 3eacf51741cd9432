using System.Net;
using System.Text.Json;
using System.Xml.Linq;
using CstPortal.Data;
using CstPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CstPortal.Tests.Features.Open311;

/// <summary>Open311 GeoReport v2 as a client sees it, against the demo city, in JSON and XML.</summary>
public class Open311ApiTests(ApiAppFactory factory) : IClassFixture<ApiAppFactory>
{
    private const string Key = "riverton-demo-key";
    private static readonly string[] RequestFields =
    [
        "service_request_id", "status", "status_notes", "service_name", "service_code", "description", "agency_responsible",
        "service_notice", "requested_datetime", "updated_datetime", "expected_datetime", "address", "zipcode", "lat", "long", "media_url",
    ];

    private readonly HttpClient _client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
    private static readonly (double Lat, double Lng) Centre = Scenario.CityCentre;

    private static FormUrlEncodedContent Form(params (string Key, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value)));

    private static (string, string)[] Pothole(string description = "Deep pothole by the bus stop", params (string, string)[] extra) =>
    [
        ("api_key", Key), ("service_code", "pothole"), ("lat", Centre.Lat.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ("long", Centre.Lng.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("description", description),
        ("attribute[size]", "large"), .. extra,
    ];

    private async Task<(HttpStatusCode Status, string Body, string? Type)> GetAsync(string path)
    {
        var response = await _client.GetAsync(path);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.ToString());
    }

    private async Task<(HttpStatusCode Status, string Body)> PostAsync(string path, HttpContent content, string? idempotencyKey = null)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        if (idempotencyKey is not null) message.Headers.Add("Idempotency-Key", idempotencyKey);
        var response = await _client.SendAsync(message);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static void AssertError(string body, string format, int code)
    {
        if (format == "json")
        {
            var error = JsonDocument.Parse(body).RootElement;
            Assert.Equal(JsonValueKind.Array, error.ValueKind);
            Assert.Equal(code, error[0].GetProperty("code").GetInt32());
            Assert.False(string.IsNullOrWhiteSpace(error[0].GetProperty("description").GetString()));
        }
        else
        {
            var doc = Open311Schemas.AssertXml(body, "errors", "error", "code", "description");
            Assert.Equal(code.ToString(System.Globalization.CultureInfo.InvariantCulture), doc.Root!.Element("error")!.Element("code")!.Value);
        }
    }

    [Fact]
    public async Task Discovery_names_the_endpoint_and_both_formats()
    {
        var json = await GetAsync("/open311/v2/discovery.json");
        var xml = await GetAsync("/open311/v2/discovery.xml");

        Assert.Equal(HttpStatusCode.OK, json.Status);
        Assert.Equal("application/json; charset=utf-8", json.Type);
        var endpoint = JsonDocument.Parse(json.Body).RootElement.GetProperty("endpoints")[0];
        Assert.EndsWith("/open311/v2/", endpoint.GetProperty("url").GetString());
        Assert.Equal(2, endpoint.GetProperty("formats").GetArrayLength());
        Assert.Equal("text/xml; charset=utf-8", xml.Type);
        var doc = XDocument.Parse(xml.Body);
        Assert.Equal("discovery", doc.Root!.Name.LocalName);
        Assert.Equal(["text/xml", "application/json"], doc.Descendants("format").Select(f => f.Value));
    }

    [Fact]
    public async Task Services_list_every_category_as_the_schema_says_in_json_and_xml()
    {
        var json = await GetAsync("/open311/v2/services.json");
        var xml = await GetAsync("/open311/v2/services.xml");

        Assert.Equal(HttpStatusCode.OK, json.Status);
        await Open311Schemas.AssertValidAsync(json.Body, "services.json");
        var services = JsonDocument.Parse(json.Body).RootElement;
        Assert.Equal(15, services.GetArrayLength());
        Assert.Contains(services.EnumerateArray(), s => s.GetProperty("service_code").GetString() == "pothole" && s.GetProperty("metadata").GetBoolean());
        Assert.Contains(services.EnumerateArray(), s => s.GetProperty("service_code").GetString() == "litterbin" && !s.GetProperty("metadata").GetBoolean());
        var doc = Open311Schemas.AssertXml(xml.Body, "services", "service", "service_code", "service_name", "description", "metadata", "type", "keywords", "group");
        Assert.Equal(15, doc.Root!.Elements().Count());
    }

    [Fact]
    public async Task A_service_definition_gives_the_category_questions_as_attributes()
    {
        var json = await GetAsync("/open311/v2/services/bulky.json");
        var xml = await GetAsync("/open311/v2/services/streetlight.xml");

        await Open311Schemas.AssertValidAsync(json.Body, "service-definition.json");
        var attribute = JsonDocument.Parse(json.Body).RootElement.GetProperty("attributes")[0];
        Assert.Equal("items", attribute.GetProperty("code").GetString());
        Assert.Equal("multivaluelist", attribute.GetProperty("datatype").GetString());
        Assert.True(attribute.GetProperty("required").GetBoolean());
        Assert.Equal(5, attribute.GetProperty("values").GetArrayLength());

        var doc = XDocument.Parse(xml.Body);
        Assert.Equal("service_definition", doc.Root!.Name.LocalName);
        var attributes = doc.Root.Element("attributes")!.Elements("attribute").ToList();
        Assert.Equal(["pole", "count"], attributes.Select(a => a.Element("code")!.Value));
        Assert.Equal(["string", "number"], attributes.Select(a => a.Element("datatype")!.Value));
        foreach (var name in new[] { "variable", "required", "datatype_description", "order", "description", "values" })
            Assert.NotNull(attributes[0].Element(name));
    }

    [Theory]
    [InlineData("json")]
    [InlineData("xml")]
    public async Task An_unknown_service_or_request_is_404_with_an_error(string format)
    {
        var service = await GetAsync($"/open311/v2/services/no-such-thing.{format}");
        var request = await GetAsync($"/open311/v2/requests/CST-1999-000001.{format}");
        var token = await GetAsync($"/open311/v2/tokens/nope.{format}");

        foreach (var r in new[] { service, request, token })
        {
            Assert.Equal(HttpStatusCode.NotFound, r.Status);
            AssertError(r.Body, format, 404);
        }
    }

    [Theory]
    [InlineData("json")]
    [InlineData("xml")]
    public async Task A_client_posts_a_request_with_attributes_and_follows_the_token_to_it(string format)
    {
        var post = await PostAsync($"/open311/v2/requests.{format}", Form(
        [
            ("api_key", Key), ("service_code", "bulky"), ("lat", "40.0595"), ("long", "-83.0174"), ("address_string", "12 Harbor Drive"),
            ("description", "Sofa and a mattress left on the kerb"), ("attribute[items][]", "furniture"), ("attribute[items][]", "mattress"),
            ("media_url", "https://photos.example.org/sofa.jpg"),
        ]));

        Assert.Equal(HttpStatusCode.OK, post.Status);
        string id, token, notice;
        if (format == "json")
        {
            var receipt = JsonDocument.Parse(post.Body).RootElement[0];
            id = receipt.GetProperty("service_request_id").GetString()!;
            token = receipt.GetProperty("token").GetString()!;
            notice = receipt.GetProperty("service_notice").GetString()!;
        }
        else
        {
            var receipt = Open311Schemas.AssertXml(post.Body, "service_requests", "request", "service_request_id", "token", "service_notice").Root!.Element("request")!;
            id = receipt.Element("service_request_id")!.Value;
            token = receipt.Element("token")!.Value;
            notice = receipt.Element("service_notice")!.Value;
        }
        Assert.Matches(@"^CST-\d{4}-\d{6}$", id);
        Assert.Contains("expected to be resolved by", notice);

        var byToken = await GetAsync($"/open311/v2/tokens/{token}.{format}");
        Assert.Equal(HttpStatusCode.OK, byToken.Status);
        Assert.Contains(id, byToken.Body);

        var request = await GetAsync($"/open311/v2/requests/{id}.{format}");
        Assert.Equal(HttpStatusCode.OK, request.Status);
        if (format == "json")
        {
            await Open311Schemas.AssertValidAsync(request.Body, "requests.json");
            var r = JsonDocument.Parse(request.Body).RootElement[0];
            Assert.Equal("open", r.GetProperty("status").GetString());
            Assert.Equal("bulky", r.GetProperty("service_code").GetString());
            Assert.Equal("https://photos.example.org/sofa.jpg", r.GetProperty("media_url").GetString());
            Assert.Matches(@"[+-]\d\d:\d\d$", r.GetProperty("requested_datetime").GetString()!);
            Assert.Matches(@"[+-]\d\d:\d\d$", r.GetProperty("expected_datetime").GetString()!);
        }
        else
        {
            var r = Open311Schemas.AssertXml(request.Body, "service_requests", "request", RequestFields).Root!.Element("request")!;
            Assert.Equal("12 Harbor Drive", r.Element("address")!.Value);
        }
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<CstDbContext>>().CreateDbContextAsync();
        var answers = await db.RequestAnswers.Where(a => db.Requests.Any(x => x.Number == id && x.Id == a.ServiceRequestId)).ToListAsync();
        Assert.Equal("furniture;mattress", Assert.Single(answers).Value);
    }

    [Theory]
    [InlineData("json")]
    [InlineData("xml")]
    public async Task Bad_posts_are_answered_with_the_specification_errors(string format)
    {
        var path = $"/open311/v2/requests.{format}";
        var cases = new (HttpContent Content, int Code)[]
        {
            (Form(Pothole().Where(f => f.Item1 != "service_code").ToArray()), 400),
            (Form(Pothole().Where(f => f.Item1 != "api_key").ToArray()), 403),
            (Form([.. Pothole().Where(f => f.Item1 != "api_key"), ("api_key", "not-a-key")]), 403),
            (Form(Pothole(new string('x', 5000))), 400),
            (Form([("api_key", Key), ("service_code", "pothole"), ("address_string", "1 Main Street"), ("description", "hole"), ("attribute[size]", "large")]), 400),
            (Form([.. Pothole().Where(f => f.Item1 != "lat"), ("lat", "north")]), 400),
            (Form([.. Pothole().Where(f => f.Item1 != "service_code"), ("service_code", "unicorns")]), 404),
            (Form(Pothole().Where(f => f.Item1 != "attribute[size]").ToArray()), 400),
            (Form([.. Pothole(), ("media_url", "javascript:alert(1)")]), 400),
            (Form([.. Pothole(), ("jurisdiction_id", "elsewhere.example")]), 404),
            (new StringContent("{\"service_code\":\"pothole\"}", System.Text.Encoding.UTF8, "application/json"), 400),
        };
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<CstDbContext>>().CreateDbContextAsync();
        var before = await db.Requests.CountAsync();

        foreach (var (content, code) in cases)
        {
            var (status, body) = await PostAsync(path, content);
            Assert.True((int)status == code, $"expected {code}, got {(int)status}: {body}");
            AssertError(body, format, code);
        }
        Assert.Equal(before, await db.Requests.CountAsync());
    }

    [Fact]
    public async Task An_address_without_a_point_that_the_register_does_not_hold_is_refused_with_the_reason()
    {
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<CstDbContext>>().CreateDbContextAsync();
        var before = await db.Requests.CountAsync();

        var (status, body) = await PostAsync("/open311/v2/requests.json",
            Form([("api_key", Key), ("service_code", "pothole"), ("address_string", "1 Main Street"), ("description", "hole"), ("attribute[size]", "large")]));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("not an address of the city's address register", body);
        Assert.Equal(before, await db.Requests.CountAsync());
    }

    [Fact]
    public async Task An_address_of_the_register_without_a_point_takes_the_register_s_point()
    {
        var registered = await factory.Services.GetRequiredService<CstPortal.Features.Addresses.AddressRegister>().FindAsync("12 Elm Avenue");
        Assert.NotNull(registered);

        var (status, body) = await PostAsync("/open311/v2/requests.json",
            Form([("api_key", Key), ("service_code", "pothole"), ("address_string", "12 elm ave."), ("description", "Deep hole by the kerb"), ("attribute[size]", "large")]));

        Assert.Equal(HttpStatusCode.OK, status);
        var number = JsonDocument.Parse(body).RootElement[0].GetProperty("service_request_id").GetString();
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<CstDbContext>>().CreateDbContextAsync();
        var stored = await db.Requests.AsNoTracking().SingleAsync(r => r.Number == number);
        Assert.Equal((registered.Latitude, registered.Longitude), (stored.Latitude, stored.Longitude));
        Assert.Equal("12 elm ave.", stored.Address); // what the client sent is kept as it was written
    }

    [Fact]
    public async Task The_same_idempotency_key_gives_the_same_answer_and_creates_nothing_new()
    {
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<CstDbContext>>().CreateDbContextAsync();
        var key = Guid.NewGuid().ToString();

        var first = await PostAsync("/open311/v2/requests.json", Form(Pothole("Idempotent pothole")), key);
        var count = await db.Requests.CountAsync();
        var second = await PostAsync("/open311/v2/requests.json", Form(Pothole("Idempotent pothole")), key);
        var differentBody = await PostAsync("/open311/v2/requests.json", Form(Pothole("Another pothole")), key);
        var xmlReplay = await PostAsync("/open311/v2/requests.xml", Form(Pothole("Idempotent pothole")), key);

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(first.Body, second.Body);
        Assert.Equal(count, await db.Requests.CountAsync());
        Assert.Equal(HttpStatusCode.BadRequest, differentBody.Status);
        Assert.Contains(JsonDocument.Parse(first.Body).RootElement[0].GetProperty("service_request_id").GetString()!, xmlReplay.Body);
        Assert.Equal(1, await db.Requests.CountAsync(r => r.Description == "Idempotent pothole"));
    }

    [Fact]
    public async Task Concurrent_posts_with_one_idempotency_key_create_one_request()
    {
        var key = Guid.NewGuid().ToString();
        var posts = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => PostAsync("/open311/v2/requests.json", Form(Pothole("Concurrent pothole")), key)));

        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<CstDbContext>>().CreateDbContextAsync();
        Assert.Equal(1, await db.Requests.CountAsync(r => r.Description == "Concurrent pothole"));
        Assert.Contains(posts, p => p.Status == HttpStatusCode.OK);
        // Each answer is the one request or "still being created" (400): never a second request, never a 500.
        Assert.All(posts, p => Assert.True(p.Status is HttpStatusCode.OK or HttpStatusCode.BadRequest, p.Body));
        Assert.Single(posts.Where(p => p.Status == HttpStatusCode.OK).Select(p => p.Body).Distinct());
    }

    [Fact]
    public async Task A_claim_left_unfinished_by_a_stopped_process_is_released_after_a_while()
    {
        var key = Guid.NewGuid().ToString();
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<CstDbContext>>().CreateDbContextAsync();
        var demoKey = await db.ApiKeys.Where(k => k.Name == "Riverton demo Open311 client").Select(k => k.Id).SingleAsync();
        db.Open311Submissions.Add(new CstPortal.Features.Open311.Open311Submission
        {
            Token = Guid.NewGuid().ToString("N"), ApiKeyId = demoKey, IdempotencyKey = key, BodyHash = "unfinished",
            CreatedAt = DateTime.UtcNow.AddMinutes(-10),
        });
        await db.SaveChangesAsync();

        var post = await PostAsync("/open311/v2/requests.json", Form(Pothole("After an unfinished claim")), key);

        Assert.Equal(HttpStatusCode.OK, post.Status);
        Assert.Equal(1, await db.Requests.CountAsync(r => r.Description == "After an unfinished claim"));
    }

    [Fact]
    public async Task A_failed_post_releases_its_idempotency_key_for_the_corrected_post()
    {
        var key = Guid.NewGuid().ToString();
        var bad = await PostAsync("/open311/v2/requests.json", Form(Pothole("").Where(f => f.Item1 != "attribute[size]").ToArray()), key);
        var good = await PostAsync("/open311/v2/requests.json", Form(Pothole("Corrected after a failed post")), key);

        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        Assert.Equal(HttpStatusCode.OK, good.Status);
    }

    [Theory]
    [InlineData("json")]
    [InlineData("xml")]
    public async Task Requests_list_the_last_90_days_valid_against_the_schema(string format)
    {
        var (status, body, _) = await GetAsync($"/open311/v2/requests.{format}");

        Assert.Equal(HttpStatusCode.OK, status);
        if (format == "json")
        {
            await Open311Schemas.AssertValidAsync(body, "requests.json");
            var requests = JsonDocument.Parse(body).RootElement;
            Assert.InRange(requests.GetArrayLength(), 100, 1000);
            Assert.Contains(requests.EnumerateArray(), r => r.GetProperty("status").GetString() == "closed");
            Assert.Contains(requests.EnumerateArray(), r => r.GetProperty("status").GetString() == "open");
        }
        else
        {
            var doc = Open311Schemas.AssertXml(body, "service_requests", "request", RequestFields);
            Assert.InRange(doc.Root!.Elements().Count(), 100, 1000);
        }
    }

    [Fact]
    public async Task Requests_filter_by_code_status_dates_ids_and_pages()
    {
        static List<JsonElement> Parse(string body) => JsonDocument.Parse(body).RootElement.EnumerateArray().ToList();

        var potholes = Parse((await GetAsync("/open311/v2/requests.json?service_code=pothole,drain&status=closed")).Body);
        Assert.NotEmpty(potholes);
        Assert.All(potholes, r => Assert.Contains(r.GetProperty("service_code").GetString(), new[] { "pothole", "drain" }));
        Assert.All(potholes, r => Assert.Equal("closed", r.GetProperty("status").GetString()));

        var open = Parse((await GetAsync("/open311/v2/requests.json?status=open")).Body);
        Assert.NotEmpty(open);
        Assert.All(open, r => Assert.Equal("open", r.GetProperty("status").GetString()));

        var start = DateTimeOffset.UtcNow.AddDays(-10);
        var end = DateTimeOffset.UtcNow.AddDays(-5);
        var window = Parse((await GetAsync($"/open311/v2/requests.json?start_date={Uri.EscapeDataString(start.ToString("yyyy-MM-ddTHH:mm:sszzz"))}&end_date={Uri.EscapeDataString(end.ToString("yyyy-MM-ddTHH:mm:sszzz"))}")).Body);
        Assert.NotEmpty(window);
        Assert.All(window, r => Assert.InRange(DateTimeOffset.Parse(r.GetProperty("requested_datetime").GetString()!, System.Globalization.CultureInfo.InvariantCulture), start, end));

        var ids = string.Join(',', window.Take(3).Select(r => r.GetProperty("service_request_id").GetString()));
        var byIds = Parse((await GetAsync($"/open311/v2/requests.json?service_request_id={ids}&service_code=nothing&status=open")).Body);
        Assert.Equal(3, byIds.Count);

        var page1 = Parse((await GetAsync("/open311/v2/requests.json?page_size=5&page=1")).Body);
        var page2 = Parse((await GetAsync("/open311/v2/requests.json?page_size=5&page=2")).Body);
        Assert.Equal(5, page1.Count);
        Assert.Equal(5, page2.Count);
        Assert.Empty(page1.Select(r => r.GetProperty("service_request_id").GetString()).Intersect(page2.Select(r => r.GetProperty("service_request_id").GetString())));
    }

    [Theory]
    [InlineData("start_date=yesterday")]
    [InlineData("end_date=2026-13-45T00:00:00Z")]
    [InlineData("start_date=2026-11-20T00:00:00Z&end_date=2026-11-01T00:00:00Z")]
    [InlineData("status=pending")]
    [InlineData("page=0")]
    [InlineData("page_size=1001")]
    [InlineData("page_size=ten")]
    public async Task Malformed_filters_are_400_in_both_formats(string query)
    {
        foreach (var format in new[] { "json", "xml" })
        {
            var (status, body, _) = await GetAsync($"/open311/v2/requests.{format}?{query}");
            Assert.Equal(HttpStatusCode.BadRequest, status);
            AssertError(body, format, 400);
        }
        var updates = await GetAsync("/open311/v2/servicerequestupdates.json?start_date=soon");
        Assert.Equal(HttpStatusCode.BadRequest, updates.Status);
    }

    [Theory]
    [InlineData("json")]
    [InlineData("xml")]
    public async Task Service_request_updates_list_status_changes(string format)
    {
        var (status, body, _) = await GetAsync($"/open311/v2/servicerequestupdates.{format}?start_date={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(-30).ToString("yyyy-MM-ddTHH:mm:ssK"))}");

        Assert.Equal(HttpStatusCode.OK, status);
        if (format == "json")
        {
            var updates = JsonDocument.Parse(body).RootElement;
            Assert.True(updates.GetArrayLength() > 0);
            foreach (var name in new[] { "update_id", "service_request_id", "status", "updated_datetime", "description" })
                Assert.True(updates[0].TryGetProperty(name, out _), name);
        }
        else
        {
            Open311Schemas.AssertXml(body, "service_request_updates", "request_update", "update_id", "service_request_id", "status", "updated_datetime", "description");
        }
    }

    [Fact]
    public async Task No_response_ever_carries_the_reporter_name_email_or_phone()
    {
        var post = await PostAsync("/open311/v2/requests.json", Form(Pothole("Privacy check pothole",
            ("email", "zelda.private@mail.example"), ("first_name", "Zelda"), ("last_name", "Privatova"), ("phone", "+1-555-0199"))));
        var id = JsonDocument.Parse(post.Body).RootElement[0].GetProperty("service_request_id").GetString()!;

        var bodies = new List<string> { post.Body };
        foreach (var format in new[] { "json", "xml" })
        {
            bodies.Add((await GetAsync($"/open311/v2/requests/{id}.{format}")).Body);
            bodies.Add((await GetAsync($"/open311/v2/requests.{format}")).Body);
            bodies.Add((await GetAsync($"/open311/v2/servicerequestupdates.{format}")).Body);
        }
        foreach (var body in bodies)
        {
            Assert.DoesNotContain("zelda", body, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("Privatova", body);
            Assert.DoesNotContain("555-0199", body);
            // Demo reporters and crews are people too: no account name or email of the demo city shows.
            Assert.DoesNotContain("@riverton.example", body);
            Assert.DoesNotContain("Carla Citizen", body);
            Assert.DoesNotContain("Amir Agent", body);
        }
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<CstDbContext>>().CreateDbContextAsync();
        Assert.Equal("zelda.private@mail.example", await db.Requests.Where(r => r.Number == id).Select(r => r.ReporterEmail).SingleAsync());
    }

    [Theory]
    [InlineData("/open311/v2/nothing-here.json", HttpStatusCode.NotFound)]
    [InlineData("/open311/v2/services.html", HttpStatusCode.BadRequest)]
    [InlineData("/open311/v2/requests.json?jurisdiction_id=elsewhere", HttpStatusCode.NotFound)]
    [InlineData("/open311/v2/requests.json?jurisdiction_id=riverton.example&page_size=1", HttpStatusCode.OK)]
    public async Task Odd_paths_and_jurisdictions_never_get_an_html_page(string path, HttpStatusCode expected)
    {
        var (status, body, type) = await GetAsync(path);

        Assert.Equal(expected, status);
        Assert.StartsWith("application/json", type);
        Assert.DoesNotContain("<html", body, StringComparison.OrdinalIgnoreCase);
    }
}
