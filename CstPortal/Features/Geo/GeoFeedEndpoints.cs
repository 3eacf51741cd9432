using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using CstPortal.Common;
using CstPortal.Features.Analytics;
using CstPortal.Features.Requests;
using CstPortal.Features.Workflow;

namespace CstPortal.Features.Geo;

/// <summary>What a caller asked of a feed, parsed and checked (codes not yet resolved to ids).</summary>
public sealed record GeoFeedQuery(
    BoundingBox? Box, IReadOnlyList<RequestStatus>? Statuses, string? CategoryCode, string? ZoneCode, Priority? Priority,
    int? TeamId, bool OverdueOnly, DateTime? From, DateTime? To, int Page, int PageSize, int Zoom, HeatWeight Weight)
{
    public bool UsesStaffFilters => Priority is not null || TeamId is not null || OverdueOnly;
}

/// <summary>Parses feed query strings. Pure; every mistake comes back as a message for a 400.</summary>
// The messages stay in English: they are part of the feed's API contract and read by developers, not shown on pages.
public static class GeoFeedQueryParser
{
    public static Result<GeoFeedQuery> Parse(Func<string, string?> get)
    {
        BoundingBox? box = null;
        if (get("bbox") is { Length: > 0 } bboxText)
        {
            var parts = bboxText.Split(',');
            if (parts.Length != 4 || !parts.All(p => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
                return Fail("bbox must be four numbers: minLng,minLat,maxLng,maxLat (WGS84 degrees).");
            var n = parts.Select(p => double.Parse(p, NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray();
            var b = new BoundingBox(n[0], n[1], n[2], n[3]);
            if (!b.IsValid) return Fail("bbox is out of range or inverted: use minLng,minLat,maxLng,maxLat with longitudes in -180..180 and latitudes in -90..90.");
            box = b;
        }

        List<RequestStatus>? statuses = null;
        if (get("status") is { Length: > 0 } statusText)
        {
            statuses = [];
            foreach (var code in statusText.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (code.Equals("open", StringComparison.OrdinalIgnoreCase)) { statuses.AddRange(RequestStatusExtensions.OpenStatuses); continue; }
                var match = Enum.GetValues<RequestStatus>().Where(s => s.Code().Equals(code, StringComparison.OrdinalIgnoreCase)).ToList();
                if (match.Count == 0) return Fail($"Unknown status '{code}'. Use open, new, triaged, assigned, in_progress, resolved or closed.");
                statuses.Add(match[0]);
            }
        }

        Priority? priority = null;
        if (get("priority") is { Length: > 0 } priorityText)
        {
            if (!Enum.TryParse<Priority>(priorityText, ignoreCase: true, out var p) || !Enum.IsDefined(p) || int.TryParse(priorityText, out _))
                return Fail("priority must be one of P1, P2, P3, P4.");
            priority = p;
        }

        int? team = null;
        if (get("team") is { Length: > 0 } teamText)
        {
            if (!int.TryParse(teamText, NumberStyles.None, CultureInfo.InvariantCulture, out var t)) return Fail("team must be a team id (a whole number).");
            team = t;
        }

        var overdue = false;
        if (get("overdue") is { Length: > 0 } overdueText && !bool.TryParse(overdueText, out overdue))
            return Fail("overdue must be true or false.");

        if (!TryDate(get("from"), out var from)) return Fail("from must be a date such as 2026-11-01 or an ISO 8601 time.");
        if (!TryDate(get("to"), out var to)) return Fail("to must be a date such as 2026-11-30 or an ISO 8601 time.");
        if (from is not null && to is not null && from > to) return Fail("from must not be after to.");

        if (!TryInt(get("page"), 1, 1, int.MaxValue, out var page)) return Fail("page must be a whole number from 1.");
        if (!TryInt(get("pageSize"), 500, 1, GeoFeedService.MaxPageSize, out var pageSize)) return Fail($"pageSize must be a whole number from 1 to {GeoFeedService.MaxPageSize}.");
        if (!TryInt(get("zoom"), 12, 0, GeoFeedService.MaxZoom, out var zoom)) return Fail($"zoom must be a whole number from 0 to {GeoFeedService.MaxZoom}.");

        var weight = HeatWeight.Count;
        if (get("weight") is { Length: > 0 } weightText && (!Enum.TryParse(weightText, ignoreCase: true, out weight) || int.TryParse(weightText, out _)))
            return Fail("weight must be count, priority or age.");

        return new GeoFeedQuery(box, statuses, Blank(get("category")), Blank(get("zone")), priority, team, overdue, from, to, page, pageSize, zoom, weight);
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private static bool TryDate(string? text, out DateTime? value)
    {
        value = null;
        if (string.IsNullOrWhiteSpace(text)) return true;
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var d)) return false;
        value = d.UtcDateTime;
        return true;
    }

    private static bool TryInt(string? text, int fallback, int min, int max, out int value)
    {
        value = fallback;
        if (string.IsNullOrWhiteSpace(text)) return true;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;
    }

    private static Result<GeoFeedQuery> Fail(string message) => Result<GeoFeedQuery>.Fail(message);
}

/// <summary>The GeoJSON feeds: requests as points, zones with counts, heat cells. Mapped from Program.cs.</summary>
public static class GeoFeedEndpoints
{
    public const string GeoJsonContentType = "application/geo+json";

    public static IEndpointRouteBuilder MapGeoFeeds(this IEndpointRouteBuilder app)
    {
        var geo = app.MapGroup("/api/geo").WithTags("GeoJSON feeds");

        geo.MapGet("/requests.geojson", async (HttpContext http, GeoFeedService feeds, CancellationToken ct) =>
        {
            var (query, filter, error) = await ReadAsync(http, feeds, ct);
            if (error is not null) return error;
            var staff = IsStaff(http.User);
            var page = await feeds.PointsAsync(filter!, query!.Box, query.Page, query.PageSize, staff, ct);
            return Results.Text(GeoJson.Points(page), GeoJsonContentType);
        })
        .WithSummary("Requests as GeoJSON Point features (RFC 7946, lon,lat).")
        .WithDescription("Filters: bbox=minLng,minLat,maxLng,maxLat, status (codes or 'open'), category (service code), zone (zone code), from/to (ISO dates, on creation time), page, pageSize (max 5000). Staff only: priority, team, overdue. No personal data: no description, reporter or address.");

        geo.MapGet("/zones.geojson", async (HttpContext http, GeoFeedService feeds, CancellationToken ct) =>
        {
            var (_, filter, error) = await ReadAsync(http, feeds, ct);
            if (error is not null) return error;
            return Results.Text(GeoJson.Zones(await feeds.ZoneCountsAsync(filter!, ct)), GeoJsonContentType);
        })
        .WithSummary("Zones as GeoJSON polygons with their open and overdue request counts.");

        geo.MapGet("/heat.json", async (HttpContext http, GeoFeedService feeds, CancellationToken ct) =>
        {
            var (query, filter, error) = await ReadAsync(http, feeds, ct);
            if (error is not null) return error;
            if (query!.Box is not { } box) return Problem("bbox is required for heat cells: minLng,minLat,maxLng,maxLat.");
            if (filter!.Statuses is null) filter = filter with { Statuses = RequestStatusExtensions.OpenStatuses };
            var grid = await feeds.HeatAsync(filter, box, query.Zoom, query.Weight, ct);
            return Results.Json(new
            {
                zoom = grid.Zoom, cellDegrees = grid.CellDegrees, total = grid.Total, maxWeight = grid.MaxWeight,
                cells = grid.Cells.Select(c => new { lng = Math.Round(c.Longitude, 6), lat = Math.Round(c.Latitude, 6), count = c.Count, weight = c.Weight }),
            });
        })
        .WithSummary("Open requests aggregated into grid cells for a bbox and zoom (count and weight per cell).")
        .WithDescription("bbox is required; zoom 0..20 sets the cell size (about 24 px); weight = count, priority or age. Other filters as for requests.geojson.");

        return app;
    }

    public static bool IsStaff(ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true && Roles.Staff.Split(',').Any(user.IsInRole);

    private static async Task<(GeoFeedQuery? Query, AnalyticsFilter? Filter, IResult? Error)> ReadAsync(HttpContext http, GeoFeedService feeds, CancellationToken ct)
    {
        var parsed = GeoFeedQueryParser.Parse(key => http.Request.Query.TryGetValue(key, out var v) ? v.ToString() : null);
        if (!parsed.Succeeded) return (null, null, Problem(parsed.Error!));
        var q = parsed.Value!;
        if (q.UsesStaffFilters && !IsStaff(http.User))
        {
            var status = http.User.Identity?.IsAuthenticated == true ? StatusCodes.Status403Forbidden : StatusCodes.Status401Unauthorized;
            return (null, null, Results.Problem(statusCode: status, title: "Staff filter",
                detail: "The priority, team and overdue filters are for signed-in city staff."));
        }
        // Codes are looked up only when given, so most feed calls cost one query.
        var options = q.CategoryCode is null && q.ZoneCode is null ? null : await feeds.OptionsAsync(ct);
        int? categoryId = null, zoneId = null;
        if (q.CategoryCode is { } cc)
        {
            var c = options!.Categories.FirstOrDefault(x => x.Code.Equals(cc, StringComparison.OrdinalIgnoreCase));
            if (c is null) return (null, null, Problem($"Unknown category '{cc}'. Use a service code such as {string.Join(", ", options.Categories.Take(3).Select(x => x.Code))}."));
            categoryId = c.Id;
        }
        if (q.ZoneCode is { } zc)
        {
            var z = options!.Zones.FirstOrDefault(x => x.Code.Equals(zc, StringComparison.OrdinalIgnoreCase));
            if (z is null) return (null, null, Problem($"Unknown zone '{zc}'. Use a zone code such as {string.Join(", ", options.Zones.Take(3).Select(x => x.Code))}."));
            zoneId = z.Id;
        }
        var filter = new AnalyticsFilter
        {
            From = q.From, To = q.To, CategoryId = categoryId, ZoneId = zoneId, Priority = q.Priority, TeamId = q.TeamId,
            Statuses = q.Statuses, OverdueOnly = q.OverdueOnly,
        };
        return (q, filter, null);
    }

    private static IResult Problem(string detail) =>
        Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid query", detail: detail);
}

/// <summary>Writes RFC 7946 GeoJSON: positions are [longitude, latitude].</summary>
public static class GeoJson
{
    public static string Points(GeoPage page)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("type", "FeatureCollection");
            w.WriteNumber("totalFeatures", page.Total);
            w.WriteNumber("page", page.Page);
            w.WriteNumber("pageSize", page.PageSize);
            w.WriteStartArray("features");
            foreach (var p in page.Items)
            {
                w.WriteStartObject();
                w.WriteString("type", "Feature");
                w.WriteString("id", p.Number);
                w.WriteStartObject("geometry");
                w.WriteString("type", "Point");
                w.WriteStartArray("coordinates");
                w.WriteNumberValue(Math.Round(p.Longitude, 6));
                w.WriteNumberValue(Math.Round(p.Latitude, 6));
                w.WriteEndArray();
                w.WriteEndObject();
                w.WriteStartObject("properties");
                w.WriteString("number", p.Number);
                w.WriteString("category", p.CategoryCode);
                w.WriteString("categoryName", p.CategoryName);
                w.WriteString("status", p.Status.Code());
                w.WriteString("createdAt", p.CreatedAt.ToString("O", CultureInfo.InvariantCulture));
                if (p.Staff is { } s)
                {
                    w.WriteString("priority", s.Priority.ToString());
                    w.WriteNumber("zoneId", s.ZoneId);
                    if (s.ResolutionDueAt is { } due) w.WriteString("resolutionDueAt", due.ToString("O", CultureInfo.InvariantCulture));
                    w.WriteBoolean("overdue", s.Overdue);
                }
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static string Zones(IEnumerable<ZoneCount> zones)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("type", "FeatureCollection");
            w.WriteStartArray("features");
            foreach (var z in zones)
            {
                w.WriteStartObject();
                w.WriteString("type", "Feature");
                w.WriteNumber("id", z.ZoneId);
                w.WritePropertyName("geometry");
                w.WriteRawValue(z.BoundaryGeoJson);
                w.WriteStartObject("properties");
                w.WriteNumber("id", z.ZoneId);
                w.WriteString("code", z.Code);
                w.WriteString("name", z.Name);
                w.WriteNumber("open", z.Open);
                w.WriteNumber("overdue", z.Overdue);
                w.WriteNumber("overdueShare", Math.Round(z.OverdueShare, 4));
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
