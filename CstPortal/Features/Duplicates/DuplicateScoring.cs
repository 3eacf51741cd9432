using System.Text.RegularExpressions;

namespace CstPortal.Features.Duplicates;

/// <summary>
/// How likely an existing open request is the same problem as a new report. Pure: distance, category,
/// age and the words of the descriptions. Used by the citizen's duplicate check and the staff merge.
/// </summary>
public static partial class DuplicateScoring
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromDays(30);

    public sealed record Probe(int CategoryId, double Latitude, double Longitude, string Description, int RadiusMeters);

    public sealed record Candidate(string Number, int CategoryId, double Latitude, double Longitude, string Description, DateTime CreatedAt);

    public sealed record Match(Candidate Candidate, double Score, double DistanceMeters, double TextSimilarity, TimeSpan Age);

    /// <summary>
    /// A score from 0 to 1, or null when the candidate cannot be the same problem: another category,
    /// farther than the radius, or older than 30 days. Closer, newer and similarly worded scores higher.
    /// </summary>
    public static Match? Score(Probe probe, Candidate candidate, DateTime now)
    {
        if (candidate.CategoryId != probe.CategoryId) return null;
        var age = now - candidate.CreatedAt;
        if (age > MaxAge || age < TimeSpan.Zero) return null;
        var distance = DistanceMeters(probe.Latitude, probe.Longitude, candidate.Latitude, candidate.Longitude);
        if (distance > probe.RadiusMeters) return null;

        var text = TextSimilarity(probe.Description, candidate.Description);
        var nearness = 1 - distance / Math.Max(1, probe.RadiusMeters);
        var freshness = 1 - age / MaxAge;
        var score = 0.55 * nearness + 0.25 * text + 0.20 * freshness;
        return new Match(candidate, Math.Round(score, 4), distance, text, age);
    }

    /// <summary>The best matches first; ties by distance, then by number so the order is stable.</summary>
    public static IReadOnlyList<Match> Rank(Probe probe, IEnumerable<Candidate> candidates, DateTime now, int take = 10) =>
        candidates.Select(c => Score(probe, c, now)).OfType<Match>()
            .OrderByDescending(m => m.Score).ThenBy(m => m.DistanceMeters).ThenBy(m => m.Candidate.Number, StringComparer.Ordinal)
            .Take(take).ToList();

    /// <summary>Great-circle distance (haversine) in metres.</summary>
    public static double DistanceMeters(double lat1, double lng1, double lat2, double lng2)
    {
        const double earthRadius = 6_371_008.8;
        static double Rad(double d) => d * Math.PI / 180;
        var dLat = Rad(lat2 - lat1);
        var dLng = Rad(lng2 - lng1);
        var a = Math.Sin(dLat / 2) * Math.Sin(dLat / 2) + Math.Cos(Rad(lat1)) * Math.Cos(Rad(lat2)) * Math.Sin(dLng / 2) * Math.Sin(dLng / 2);
        return 2 * earthRadius * Math.Asin(Math.Min(1, Math.Sqrt(a)));
    }

    /// <summary>Jaccard similarity of the descriptions' meaningful words (0 = nothing shared, 1 = the same words).</summary>
    public static double TextSimilarity(string a, string b)
    {
        var wa = Words(a);
        var wb = Words(b);
        if (wa.Count == 0 || wb.Count == 0) return 0;
        var shared = wa.Intersect(wb).Count();
        return (double)shared / (wa.Count + wb.Count - shared);
    }

    private static readonly HashSet<string> StopWords =
        ["the", "a", "an", "and", "or", "of", "on", "in", "at", "by", "to", "is", "it", "for", "with", "near", "outside", "there", "this", "that", "has", "been", "was"];

    private static HashSet<string> Words(string text) =>
        WordPattern().Matches(text.ToLowerInvariant()).Select(m => m.Value)
            .Where(w => w.Length > 2 && !StopWords.Contains(w))
            .Select(w => w.EndsWith('s') && w.Length > 4 ? w[..^1] : w)
            .ToHashSet();

    [GeneratedRegex(@"\p{L}[\p{L}\p{N}']*")]
    private static partial Regex WordPattern();
}
