using System.Globalization;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using CstPortal.Features.ApiKeys;
using CstPortal.Features.Requests;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using static CstPortal.Features.Open311.Open311Document;

namespace CstPortal.Features.Open311;

/// <summary>Open311 GeoReport v2 at /open311/v2/, every endpoint in JSON and XML by its suffix.</summary>
// Its own error texts stay in English: they are the API contract read by integrators, not page text.
public static partial class Open311Endpoints
{
    public const string Prefix = "/open311/v2";
    private const string Tag = "Open311 GeoReport v2";

    public static IEndpointRouteBuilder MapOpen311(this IEndpointRouteBuilder app)
    {
        var v2 = app.MapGroup(Prefix).WithTags(Tag).AddEndpointFilter(Guard).DisableAntiforgery();
        v2.MapGet("/discovery.{format}", Discovery).WithSummary("Discovery: where and how this city speaks Open311").Answers();
        v2.MapGet("/services.{format}", Services).WithSummary("The services (request categories) a client can report").Answers();
        v2.MapGet("/services/{service_code}.{format}", Definition).WithSummary("A service's definition: its attributes (extra questions)").Answers();
        v2.MapPost("/requests.{format}", Post)
            .Accepts<Open311PostForm>("application/x-www-form-urlencoded")
            .WithSummary("Create a service request (api_key required; Idempotency-Key header honoured)")
            .WithDescription("Form fields as the specification says; attributes as attribute[CODE]=value or attribute[CODE][]=value for several. A location is required: lat and long, or an address_string found in the city's address register (the request then takes that address's point; anything else is refused with 400). Requests are routed by the zone the point lies in.")
            .Answers();
        v2.MapGet("/tokens/{token}.{format}", Token).WithSummary("The service_request_id a token stands for").Answers();
        v2.MapGet("/requests.{format}", Requests)
            .WithSummary("Service requests: filters, last 90 days and at most 1,000 by default; page and page_size extension").Answers();
        v2.MapGet("/requests/{service_request_id}.{format}", Request).WithSummary("One service request").Answers();
        v2.MapGet("/servicerequestupdates.{format}", Updates).WithSummary("FixMyStreet extension: status updates between start_date and end_date").Answers();
        v2.Map("/{**rest}", (HttpContext ctx) => Open311Result.Error(404, "There is no such Open311 endpoint here. Start at discovery.json.", FormatOf(ctx)))
            .ExcludeFromDescription();
        return app;
    }

    /// <summary>Documents the answers: JSON or XML by suffix; errors are the specification's errors/error.</summary>
    private static RouteHandlerBuilder Answers(this RouteHandlerBuilder endpoint)
    {
        foreach (var status in new[] { StatusCodes.Status200OK, StatusCodes.Status400BadRequest, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status429TooManyRequests })
            endpoint.Produces(status, null, "application/json", "text/xml");
        return endpoint;
    }

    /// <summary>For every endpoint: the suffix, the jurisdiction, the api_key on POST, the rate limit, and errors that are never HTML.</summary>
    private static async ValueTask<object?> Guard(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var format = FormatOf(http);
        try
        {
            if (http.Request.RouteValues.TryGetValue("format", out var f) && f is string given && given is not (Json or Xml))
                return Open311Result.Error(400, "Ask for .json or .xml.", Json);

            IFormCollection? form = null;
            if (HttpMethods.IsPost(http.Request.Method))
            {
                if (!http.Request.HasFormContentType)
                    return Open311Result.Error(400, "Post the request as application/x-www-form-urlencoded.", format);
                form = await http.Request.ReadFormAsync(http.RequestAborted);
            }
            string? Field(string name) => http.Request.Query[name].FirstOrDefault() ?? form?[name].FirstOrDefault();

            var options = http.RequestServices.GetRequiredService<IOptions<ApiOptions>>().Value;
            if (Field("jurisdiction_id") is { Length: > 0 } jurisdiction && !string.Equals(jurisdiction.Trim(), options.JurisdictionId, StringComparison.OrdinalIgnoreCase))
                return Open311Result.Error(404, $"This endpoint serves jurisdiction_id \"{options.JurisdictionId}\" only.", format);

            var apiKey = Field("api_key");
            var caller = string.IsNullOrWhiteSpace(apiKey) ? null : await http.RequestServices.GetRequiredService<ApiKeyService>().CheckAsync(apiKey, http.RequestAborted);
            if (!http.RequestServices.GetRequiredService<ApiRateLimiter>().TryAcquire(ApiRateLimiter.PartitionFor(caller?.KeyId, http)))
            {
                http.Response.Headers.RetryAfter = "60";
                return Open311Result.Error(429, "Too many requests. Wait a minute and try again.", format);
            }
            if (form is not null)
            {
                if (caller is null)
                    return Open311Result.Error(403, string.IsNullOrWhiteSpace(apiKey) ? "api_key is required to post a request." : "That api_key is not valid.", format);
                http.Items[typeof(ApiCaller)] = caller;
            }
            return await next(context);
        }
        catch (Exception ex) when (ex is BadHttpRequestException or InvalidDataException or FormatException)
        {
            return Open311Result.Error(400, "The request could not be read: " + ex.Message, format);
        }
    }

    private static string FormatOf(HttpContext http)
    {
        if (http.Request.RouteValues.TryGetValue("format", out var f) && f is string s) return s == Xml ? Xml : Json;
        var path = http.Request.Path.Value ?? "";
        return path.EndsWith(".xml", StringComparison.OrdinalIgnoreCase) ? Xml : Json;
    }

    private static IResult Discovery(string format, HttpRequest request, IOptions<ApiOptions> options)
    {
        var o = options.Value;
        var url = $"{request.Scheme}://{request.Host}{request.PathBase}{Prefix}/";
        var doc = Obj("discovery",
            ("changeset", "2026-11-24T00:00:00+00:00"),
            ("contact", o.Contact),
            ("key_service", "Ask the city's administrators for an api_key (Administration › API keys)."),
            ("endpoints", new O311List("endpoints", "endpoint",
            [
                Obj("endpoint", ("specification", "http://wiki.open311.org/GeoReport_v2"), ("url", url),
                    ("changeset", "2026-11-24T00:00:00+00:00"), ("type", "production"),
                    ("formats", new O311List("formats", "format", ["text/xml", "application/json"]))),
            ])));
        return new Open311Result(doc, format);
    }

    private static async Task<IResult> Services(string format, Open311Service open311, CancellationToken ct)
    {
        var rows = await open311.ServicesAsync(ct);
        return new Open311Result(new O311List("services", "service", rows.Select(s => (object?)Obj("service",
            ("service_code", s.Code), ("service_name", s.Name), ("description", s.Description), ("metadata", s.HasAttributes),
            ("type", "realtime"), ("keywords", null), ("group", s.Group))).ToList()), format);
    }

    private static async Task<IResult> Definition(string service_code, string format, Open311Service open311, CancellationToken ct)
    {
        var category = await open311.DefinitionAsync(service_code, ct);
        if (category is null) return Open311Result.Error(404, $"There is no service with service_code \"{service_code}\".", format);
        var attributes = category.Questions.OrderBy(q => q.Order).Select(q => (object?)Obj("attribute",
            ("variable", true), ("code", q.Code), ("datatype", Datatype(q.Type)), ("required", q.Required),
            ("datatype_description", DatatypeDescription(q.Type)), ("order", q.Order), ("description", q.Prompt),
            ("values", new O311List("values", "value", q.Choices().Select(c => (object?)Obj("value", ("key", c.Key), ("name", c.Label))).ToList())))).ToList();
        return new Open311Result(Obj("service_definition", ("service_code", category.ServiceCode), ("attributes", new O311List("attributes", "attribute", attributes))), format);
    }

    public static string Datatype(QuestionType type) => type switch
    {
        QuestionType.Number => "number",
        QuestionType.SingleChoice => "singlevaluelist",
        QuestionType.MultipleChoice => "multivaluelist",
        _ => "string",
    };

    private static string? DatatypeDescription(QuestionType type) => type switch
    {
        QuestionType.Number => "A number, such as 3 or 2.5.",
        QuestionType.SingleChoice => "One of the keys in values.",
        QuestionType.MultipleChoice => "One or more of the keys in values, each as attribute[CODE][]=key.",
        _ => "Text, at most 1,000 characters.",
    };

    private static async Task<IResult> Post(string format, HttpContext http, Open311Service open311, CancellationToken ct)
    {
        var form = await http.Request.ReadFormAsync(ct);
        var parsed = ParsePost(form);
        if (parsed.Error is { } bad) return Open311Result.Error(bad.Code, bad.Description, format);
        var caller = (ApiCaller)http.Items[typeof(ApiCaller)]!;
        var outcome = await open311.SubmitAsync(parsed.Value!, caller, http.Request.Headers["Idempotency-Key"].FirstOrDefault(), ct);
        if (outcome.Error is { } error) return Open311Result.Error(error.Code, error.Description, format);
        var receipt = outcome.Value!;
        return new Open311Result(new O311List("service_requests", "request",
        [
            Obj("request", ("service_request_id", receipt.RequestId), ("token", receipt.Token), ("service_notice", receipt.ServiceNotice), ("account_id", null)),
        ]), format);
    }

    /// <summary>Reads the POST form: numbers with invariant culture, attribute[CODE] and attribute[CODE][] (several values joined by ';').</summary>
    public static Open311Outcome<Open311Post> ParsePost(IFormCollection form)
    {
        string? Get(string name) => form[name].FirstOrDefault() is { } v && !string.IsNullOrWhiteSpace(v) ? v : null;
        double? lat = null, lng = null;
        if (Get("lat") is { } latText)
        {
            if (!double.TryParse(latText, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)) return new Open311Error(400, "lat must be a number (WGS84 degrees).");
            lat = v;
        }
        if (Get("long") is { } lngText)
        {
            if (!double.TryParse(lngText, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)) return new Open311Error(400, "long must be a number (WGS84 degrees).");
            lng = v;
        }
        var attributes = new Dictionary<string, string>();
        foreach (var (key, values) in form)
        {
            var m = AttributeField().Match(key);
            if (!m.Success) continue;
            var code = m.Groups[1].Value;
            var joined = string.Join(';', values.Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v!.Trim()));
            attributes[code] = attributes.TryGetValue(code, out var existing) && existing.Length > 0 ? existing + ";" + joined : joined;
        }
        var hash = Open311Service.HashForm(form.SelectMany(f => f.Value.Select(v => new KeyValuePair<string, string>(f.Key, v ?? ""))));
        return new Open311Post(Get("service_code"), lat, lng, Get("address_string"), Get("description"), Get("email"), Get("media_url"), attributes, hash);
    }

    [GeneratedRegex(@"^attribute\[([^\]]+)\](\[\])?$")]
    private static partial Regex AttributeField();

    private static async Task<IResult> Token(string token, string format, Open311Service open311, CancellationToken ct)
    {
        var receipt = await open311.TokenAsync(token, ct);
        if (receipt is null) return Open311Result.Error(404, "There is no such token.", format);
        return new Open311Result(new O311List("service_requests", "request",
            [Obj("request", ("service_request_id", receipt.RequestId), ("token", receipt.Token))]), format);
    }

    private static async Task<IResult> Requests(
        string format, Open311Service open311, CancellationToken ct,
        [FromQuery(Name = "service_request_id")] string? ids = null, [FromQuery(Name = "service_code")] string? serviceCodes = null,
        [FromQuery(Name = "start_date")] string? startDate = null, [FromQuery(Name = "end_date")] string? endDate = null,
        [FromQuery(Name = "status")] string? status = null, [FromQuery(Name = "page")] string? page = null,
        [FromQuery(Name = "page_size")] string? pageSize = null)
    {
        static IReadOnlyList<string> List(string? text) =>
            (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        if (!TryDate(startDate, out var start)) return Open311Result.Error(400, "start_date must be an ISO 8601 datetime, e.g. 2026-11-01T00:00:00Z.", format);
        if (!TryDate(endDate, out var end)) return Open311Result.Error(400, "end_date must be an ISO 8601 datetime, e.g. 2026-11-24T23:59:59+01:00.", format);
        if (start is not null && end is not null && start > end) return Open311Result.Error(400, "start_date must be before end_date.", format);
        bool? open = null;
        var statuses = List(status).Select(s => s.ToLowerInvariant()).Distinct().ToList();
        if (statuses.Any(s => s is not ("open" or "closed"))) return Open311Result.Error(400, "status must be open or closed.", format);
        if (statuses.Count == 1) open = statuses[0] == "open";
        if (!TryInt(page, 1, 1, int.MaxValue, out var pageNumber)) return Open311Result.Error(400, "page must be a whole number from 1.", format);
        if (!TryInt(pageSize, Open311Service.MaxPageSize, 1, Open311Service.MaxPageSize, out var size))
            return Open311Result.Error(400, $"page_size must be a whole number from 1 to {Open311Service.MaxPageSize:N0}.", format);
        var idList = List(ids);
        if (idList.Count > Open311Service.MaxPageSize) return Open311Result.Error(400, "Ask for at most 1,000 service_request_id values at once.", format);

        var rows = await open311.RequestsAsync(new Open311Query(idList, List(serviceCodes), start, end, open, pageNumber, size), ct);
        return new Open311Result(RequestList(rows), format);
    }

    private static async Task<IResult> Request(string service_request_id, string format, Open311Service open311, CancellationToken ct)
    {
        var rows = await open311.RequestsAsync(new Open311Query([service_request_id], [], null, null, null, 1, 1), ct);
        if (rows.Count == 0) return Open311Result.Error(404, $"There is no service request {service_request_id}.", format);
        return new Open311Result(RequestList(rows), format);
    }

    private static async Task<IResult> Updates(string format, Open311Service open311, CancellationToken ct,
        [FromQuery(Name = "start_date")] string? startDate = null, [FromQuery(Name = "end_date")] string? endDate = null)
    {
        if (!TryDate(startDate, out var start)) return Open311Result.Error(400, "start_date must be an ISO 8601 datetime, e.g. 2026-11-01T00:00:00Z.", format);
        if (!TryDate(endDate, out var end)) return Open311Result.Error(400, "end_date must be an ISO 8601 datetime.", format);
        var rows = await open311.UpdatesAsync(start, end, ct);
        return new Open311Result(new O311List("service_request_updates", "request_update", rows.Select(u => (object?)Obj("request_update",
            ("update_id", u.UpdateId.ToString(CultureInfo.InvariantCulture)), ("service_request_id", u.RequestId),
            ("status", u.Open ? "open" : "closed"), ("updated_datetime", u.At), ("description", u.Description), ("media_url", null))).ToList()), format);
    }

    private static O311List RequestList(IReadOnlyList<Open311RequestRow> rows) =>
        new("service_requests", "request", rows.Select(r => (object?)Obj("request",
            ("service_request_id", r.Id), ("status", r.Open ? "open" : "closed"), ("status_notes", r.StatusNotes),
            ("service_name", r.ServiceName), ("service_code", r.ServiceCode), ("description", r.Description),
            ("agency_responsible", r.Agency), ("service_notice", r.ServiceNotice), ("requested_datetime", r.Requested),
            ("updated_datetime", r.Updated), ("expected_datetime", r.Expected), ("address", r.Address), ("address_id", null),
            ("zipcode", null), ("lat", r.Lat), ("long", r.Long), ("media_url", r.MediaUrl))).ToList());

    /// <summary>ISO 8601 with or without offset (no offset means UTC); empty means not given.</summary>
    public static bool TryDate(string? text, out DateTime? utc)
    {
        utc = null;
        if (string.IsNullOrWhiteSpace(text)) return true;
        string[] formats = ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd"];
        if (!DateTimeOffset.TryParseExact(text.Trim(), formats, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed)) return false;
        utc = parsed.UtcDateTime;
        return true;
    }

    private static bool TryInt(string? text, int fallback, int min, int max, out int value)
    {
        value = fallback;
        if (string.IsNullOrWhiteSpace(text)) return true;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;
    }
}

/// <summary>The POST requests form, for the OpenAPI document only (the endpoint reads the form itself).</summary>
public sealed record Open311PostForm(
    [property: JsonPropertyName("api_key")] string ApiKey,
    [property: JsonPropertyName("jurisdiction_id")] string? JurisdictionId,
    [property: JsonPropertyName("service_code")] string ServiceCode,
    [property: JsonPropertyName("lat")] double Lat,
    [property: JsonPropertyName("long")] double Long,
    [property: JsonPropertyName("address_string")] string? AddressString,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("email")] string? Email,
    [property: JsonPropertyName("media_url")] string? MediaUrl);
