namespace CstPortal.Features.Analytics;

/// <summary>Which grouping a <see cref="KpiDay"/> row belongs to: the whole city or one value of one dimension.</summary>
public enum KpiDimension { All = 0, Category = 1, Zone = 2, Team = 3, Priority = 4 }

/// <summary>
/// One day of the KPI summary for one group (the whole city, or one category, zone, team or priority), kept by
/// database triggers on ServiceRequests and Ratings in the same transaction as every write (see
/// Data/KpiSummarySql.cs). Events count on the day they happened (Opened by CreatedAt, Resolved by ResolvedAt,
/// Closed by ClosedAt); every other figure belongs to the request's creation day (the report's cohort). Only figures
/// that do not depend on the clock are kept: a target still pending is counted live by <see cref="KpiService"/>.
/// </summary>
public sealed class KpiDay
{
    /// <summary>Midnight UTC of the day.</summary>
    public DateTime Day { get; set; }
    public KpiDimension Dimension { get; set; }
    /// <summary>The category, zone or team id (0 = unassigned team), the priority's number, or 0 for All.</summary>
    public int Key { get; set; }
    public int Opened { get; set; }
    public int Resolved { get; set; }
    public int Closed { get; set; }
    /// <summary>Triaged, with a response target, on time.</summary>
    public int ResponseMet { get; set; }
    /// <summary>Triaged, with a response target.</summary>
    public int ResponseDone { get; set; }
    /// <summary>Resolved on time, with a resolution target, not closed with a reason.</summary>
    public int ResolutionMet { get; set; }
    /// <summary>Resolved, with a resolution target, not closed with a reason.</summary>
    public int ResolutionDone { get; set; }
    /// <summary>Resolved at least once (resolved now or reopened).</summary>
    public int Reopenable { get; set; }
    public int Reopened { get; set; }
    public int Ratings { get; set; }
    public int RatingStars { get; set; }
}

/// <summary>What a <see cref="KpiDurationBucket"/> measures: time from creation to triage, assignment or resolution.</summary>
public enum KpiMeasure { HoursToTriage = 1, HoursToAssign = 2, HoursToResolve = 3 }

/// <summary>
/// A histogram of durations for the requests created on one day: how many took between <see cref="Bucket"/> minutes and
/// the bucket's end (see <see cref="KpiBuckets"/>). Medians are read from it to the bucket's precision.
/// </summary>
public sealed class KpiDurationBucket
{
    public DateTime Day { get; set; }
    public KpiMeasure Measure { get; set; }
    /// <summary>The bucket's lower bound in whole minutes.</summary>
    public int Bucket { get; set; }
    public int Count { get; set; }
}

/// <summary>
/// The duration buckets, the same as the SQL in Data/KpiSummarySql.cs: whole minutes under an hour, then 5 minutes
/// under 10 hours, 30 minutes under 100 hours, 5 hours under 1,000 hours, 50 hours beyond; at most about 8 % of the
/// value wide. The histogram says which bucket holds the median and where in it; an index on the duration then gives
/// the exact value from that bucket's requests (<see cref="Data.KpiSummarySql.ValueInBucketSql"/>).
/// </summary>
public static class KpiBuckets
{
    public static int Width(long minutes) => minutes switch { < 60 => 1, < 600 => 5, < 6000 => 30, < 60000 => 300, _ => 3000 };

    public static long Of(long minutes) => minutes < 60 ? minutes : minutes / Width(minutes) * Width(minutes);

    /// <summary>The bucket holding a 0-based rank, from (bucket, count) rows sorted by bucket, and the rank's offset inside it.</summary>
    public static (long Bucket, long Offset)? Locate(IReadOnlyList<(long Bucket, long Count)> sorted, long rank)
    {
        long seen = 0;
        foreach (var (bucket, count) in sorted)
        {
            if (count <= 0) continue;
            if (rank < seen + count) return (bucket, rank - seen);
            seen += count;
        }
        return null;
    }
}
