using CstPortal.Features.Duplicates;

namespace CstPortal.Tests.Features.Duplicates;

public class DuplicateScoringTests
{
    private static readonly DateTime Now = new(2026, 11, 2, 12, 0, 0, DateTimeKind.Utc);
    private const double Lat = 40.04, Lng = -83.0;
    private static readonly DuplicateScoring.Probe Probe = new(7, Lat, Lng, "Deep pothole in the right lane", 50);

    // About 1 m of latitude, for placing candidates at known distances north of the probe.
    private const double Metre = 1 / 111_195.0;

    private static DuplicateScoring.Candidate At(double metresNorth, string description = "Pothole in the right lane", double daysOld = 1, int category = 7, string number = "CST-2026-000001") =>
        new(number, category, Lat + metresNorth * Metre, Lng, description, Now.AddDays(-daysOld));

    [Fact]
    public void Distance_is_measured_on_the_earth_in_metres()
    {
        Assert.Equal(1000, Math.Round(DuplicateScoring.DistanceMeters(Lat, Lng, Lat + 1000 * Metre, Lng)));
        // One degree of longitude at 40° N on the mean-radius sphere: 111.195 km × cos 40° ≈ 85.18 km.
        Assert.InRange(DuplicateScoring.DistanceMeters(40, -83, 40, -82), 85_150, 85_210);
    }

    [Theory]
    [InlineData(49, true)]
    [InlineData(51, false)]
    public void Only_requests_within_the_category_radius_count(double metres, bool counts) =>
        Assert.Equal(counts, DuplicateScoring.Score(Probe, At(metres), Now) is not null);

    [Fact]
    public void Another_category_never_counts() =>
        Assert.Null(DuplicateScoring.Score(Probe, At(5, category: 8), Now));

    [Theory]
    [InlineData(29.9, true)]
    [InlineData(30.1, false)]
    public void Only_requests_from_the_last_30_days_count(double days, bool counts) =>
        Assert.Equal(counts, DuplicateScoring.Score(Probe, At(5, daysOld: days), Now) is not null);

    [Fact]
    public void Closer_newer_and_similarly_worded_reports_score_higher()
    {
        var near = DuplicateScoring.Score(Probe, At(5), Now)!;
        var far = DuplicateScoring.Score(Probe, At(40), Now)!;
        var old = DuplicateScoring.Score(Probe, At(5, daysOld: 25), Now)!;
        var unlike = DuplicateScoring.Score(Probe, At(5, "Broken kerb stone"), Now)!;

        Assert.True(near.Score > far.Score);
        Assert.True(near.Score > old.Score);
        Assert.True(near.Score > unlike.Score);
    }

    [Theory]
    [InlineData("Deep pothole in the right lane", "deep POTHOLE, right lane!", 1.0)]
    [InlineData("Deep pothole in the right lane", "Street light flickering", 0.0)]
    [InlineData("", "Anything", 0.0)]
    public void Text_similarity_compares_meaningful_words(string a, string b, double expected) =>
        Assert.Equal(expected, DuplicateScoring.TextSimilarity(a, b), 3);

    [Fact]
    public void Ranking_is_best_first_and_stable_for_ties()
    {
        var ranked = DuplicateScoring.Rank(Probe,
            [At(20, number: "CST-2026-000009"), At(20, number: "CST-2026-000003"), At(2, number: "CST-2026-000005"), At(80, number: "CST-2026-000001")], Now);

        Assert.Equal(["CST-2026-000005", "CST-2026-000003", "CST-2026-000009"], ranked.Select(m => m.Candidate.Number));
    }
}
