using System.Globalization;
using CstPortal.Common;
using CstPortal.Features.Requests;

namespace CstPortal.Features.Analytics;

/// <summary>The dashboard filter as a query string, so exports get exactly what the screen shows.</summary>
public static class AnalyticsFilterQuery
{
    public static string ToQueryString(AnalyticsFilter f)
    {
        var parts = new List<string>();
        if (f.From is { } from) parts.Add("from=" + from.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
        if (f.To is { } to) parts.Add("to=" + to.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
        if (f.CategoryId is { } c) parts.Add("categoryId=" + c.ToString(CultureInfo.InvariantCulture));
        if (f.ZoneId is { } z) parts.Add("zoneId=" + z.ToString(CultureInfo.InvariantCulture));
        if (f.TeamId is { } t) parts.Add("teamId=" + t.ToString(CultureInfo.InvariantCulture));
        if (f.Priority is { } p) parts.Add("priority=" + p);
        return string.Join("&", parts);
    }

    // The messages stay in English: they answer API callers of the analytics endpoints (the pages build valid queries).
    public static Result<AnalyticsFilter> Parse(Func<string, string?> get)
    {
        var filter = new AnalyticsFilter();
        if (!TryDate(get("from"), out var from)) return Fail("from must be an ISO 8601 date or time.");
        if (!TryDate(get("to"), out var to)) return Fail("to must be an ISO 8601 date or time.");
        if (from is not null && to is not null && from > to) return Fail("from must not be after to.");
        if (!TryId(get("categoryId"), out var category)) return Fail("categoryId must be a whole number.");
        if (!TryId(get("zoneId"), out var zone)) return Fail("zoneId must be a whole number.");
        if (!TryId(get("teamId"), out var team)) return Fail("teamId must be a whole number.");
        Priority? priority = null;
        if (get("priority") is { Length: > 0 } pt)
        {
            if (!Enum.TryParse<Priority>(pt, true, out var p) || !Enum.IsDefined(p) || int.TryParse(pt, out _)) return Fail("priority must be one of P1, P2, P3, P4.");
            priority = p;
        }
        return filter with { From = from, To = to, CategoryId = category, ZoneId = zone, TeamId = team, Priority = priority };
    }

    private static Result<AnalyticsFilter> Fail(string m) => Result<AnalyticsFilter>.Fail(m);

    private static bool TryDate(string? text, out DateTime? value)
    {
        value = null;
        if (string.IsNullOrWhiteSpace(text)) return true;
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var d)) return false;
        value = d.UtcDateTime;
        return true;
    }

    private static bool TryId(string? text, out int? value)
    {
        value = null;
        if (string.IsNullOrWhiteSpace(text)) return true;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v)) return false;
        value = v;
        return true;
    }
}
