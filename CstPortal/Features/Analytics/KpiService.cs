using CstPortal.Data;
using CstPortal.Features.Requests;
using CstPortal.Features.Workflow;
using Microsoft.EntityFrameworkCore;

namespace CstPortal.Features.Analytics;

public enum SlaDimension { Category, Zone, Team, Priority }

/// <summary>SLA compliance of one group: met and evaluated counts for response (triage) and resolution.</summary>
public sealed record SlaRow(string Name, int Requests, int ResponseMet, int ResponseEvaluated, int ResolutionMet, int ResolutionEvaluated)
{
    public double? ResponseMetPercent => ResponseEvaluated == 0 ? null : Math.Round(100.0 * ResponseMet / ResponseEvaluated, 1);
    public double? ResolutionMetPercent => ResolutionEvaluated == 0 ? null : Math.Round(100.0 * ResolutionMet / ResolutionEvaluated, 1);
}

public sealed record BacklogAge(int Total, int UnderOneDay, int OneToSevenDays, int SevenToThirtyDays, int OverThirtyDays, int Overdue);

public sealed record Breach(string Number, string Category, string Zone, Priority Priority, string Target, DateTime DueAt, DateTime? DoneAt, double HoursLate);

public sealed record TrendPoint(DateTime Day, int Opened, int Resolved);

public sealed record Medians(double? HoursToTriage, double? HoursToAssign, double? HoursToResolve);

/// <summary>Everything the SLA dashboard shows for one period and filter.</summary>
public sealed record KpiReport(
    AnalyticsFilter Filter, DateTime GeneratedAt,
    int Opened, int Resolved, int Closed, BacklogAge Backlog,
    SlaRow Overall, IReadOnlyDictionary<SlaDimension, IReadOnlyList<SlaRow>> ByDimension,
    Medians Medians, double? ReopenRatePercent, double? AverageRating, int Ratings,
    IReadOnlyList<TrendPoint> Trend, IReadOnlyList<Breach> Breaches);

/// <summary>
/// KPIs and SLA compliance. Every figure is a grouped or counted query in the database; only the
/// results come back (and, for medians, the one middle value per measure).
/// <para>Definitions. Period: requests created in [From, To). Response SLA: triaged by ResponseDueAt; resolution
/// SLA: resolved by ResolutionDueAt. A target is evaluated once it is met or missed: done (on time or late), or
/// still not done after its due time. Requests closed with a reason (duplicate, invalid, not ours) are left out of
/// the resolution SLA. Opened/resolved/closed count events in the period; the backlog is what is open now.</para>
/// </summary>
public sealed class KpiService(IDbContextFactory<CstDbContext> dbFactory, TimeProvider clock)
{
    public const int MaxBreaches = 100;

    public async Task<KpiReport> ReportAsync(AnalyticsFilter filter, CancellationToken ct = default) =>
        CanUseSummary(filter) ? await SummaryReportAsync(filter, ct) : await FromScratchReportAsync(filter, ct);

    /// <summary>The summary holds the whole city per day; a filter on a dimension, a status or an age is computed from the requests.</summary>
    public static bool CanUseSummary(AnalyticsFilter f) =>
        f.CategoryId is null && f.ZoneId is null && f.TeamId is null && f.Priority is null
        && f.Statuses is not { Count: > 0 } && !f.OverdueOnly && f.MinAgeDays is not > 0;

    /// <summary>The report computed from the requests themselves (every filter; the oracle the summary is tested against).</summary>
    public async Task<KpiReport> FromScratchReportAsync(AnalyticsFilter filter, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var all = db.Requests.AsNoTracking();
        var dims = filter with { From = null, To = null, Statuses = null, OverdueOnly = false, MinAgeDays = null };
        var cohort = all.Apply(filter, now);

        var opened = await cohort.CountAsync(ct);
        var resolvedQ = all.Apply(dims, now).Where(r => r.ResolvedAt != null);
        if (filter.From is { } f1) resolvedQ = resolvedQ.Where(r => r.ResolvedAt >= f1);
        if (filter.To is { } t1) resolvedQ = resolvedQ.Where(r => r.ResolvedAt < t1);
        var closedQ = all.Apply(dims, now).Where(r => r.ClosedAt != null);
        if (filter.From is { } f2) closedQ = closedQ.Where(r => r.ClosedAt >= f2);
        if (filter.To is { } t2) closedQ = closedQ.Where(r => r.ClosedAt < t2);
        var resolved = await resolvedQ.CountAsync(ct);
        var closed = await closedQ.CountAsync(ct);

        var backlog = await BacklogAsync(all.Apply(dims with { OverdueOnly = filter.OverdueOnly, MinAgeDays = filter.MinAgeDays }, now), now, ct);

        // One pass over the cohort grouped by all four dimensions at once (a few thousand groups at most); the overall
        // row and each dimension's rows are sums of those groups, so the cohort is read once instead of five times.
        var cube = (await SlaAsync(cohort, r => new { r.CategoryId, r.ZoneId, TeamId = r.AssignedTeamId ?? 0, r.Priority }, now, ct))
            .Select(x => (Key: new SlaKey(x.Key.CategoryId, x.Key.ZoneId, x.Key.TeamId, x.Key.Priority), x.Row)).ToList();
        var overall = Rollup(cube, _ => 0).Select(x => x.Row with { Name = "All" }).FirstOrDefault() ?? new SlaRow("All", 0, 0, 0, 0, 0);
        var names = await NamesAsync(db, ct);
        var byDimension = new Dictionary<SlaDimension, IReadOnlyList<SlaRow>>
        {
            [SlaDimension.Category] = Named(Rollup(cube, k => k.CategoryId), names.Categories),
            [SlaDimension.Zone] = Named(Rollup(cube, k => k.ZoneId), names.Zones),
            [SlaDimension.Team] = Named(Rollup(cube, k => k.TeamId), names.Teams),
            [SlaDimension.Priority] = Rollup(cube, k => k.Priority).OrderBy(x => x.Key).Select(x => x.Row with { Name = x.Key.ToString() }).ToList(),
        };

        var durations = RequestDurations(db);
        var cohortIds = cohort.Select(r => r.Id);
        var inCohort = durations.Where(d => cohortIds.Contains(d.Id));
        var medians = new Medians(
            await MedianHoursAsync(inCohort.Where(d => d.HoursToTriage != null).Select(d => d.HoursToTriage!.Value), ct),
            await MedianHoursAsync(inCohort.Where(d => d.HoursToAssign != null).Select(d => d.HoursToAssign!.Value), ct),
            await MedianHoursAsync(inCohort.Where(d => d.HoursToResolve != null).Select(d => d.HoursToResolve!.Value), ct));

        var reopen = await cohort.Where(r => r.ResolvedAt != null || r.ReopenCount > 0)
            .GroupBy(r => 1).Select(g => new { Resolved = g.Count(), Reopened = g.Count(r => r.ReopenCount > 0) }).FirstOrDefaultAsync(ct);
        var rating = await cohort.Where(r => r.Rating != null)
            .GroupBy(r => 1).Select(g => new { Count = g.Count(), Average = g.Average(r => (double)r.Rating!.Stars) }).FirstOrDefaultAsync(ct);

        var trend = await TrendAsync(all, dims, filter, now, ct);
        var breaches = await BreachesAsync(cohort, names, now, ct);

        return new KpiReport(filter, now, opened, resolved, closed, backlog, overall, byDimension, medians,
            reopen is { Resolved: > 0 } ? Math.Round(100.0 * reopen.Reopened / reopen.Resolved, 1) : null,
            rating is null ? null : Math.Round(rating.Average, 2), rating?.Count ?? 0, trend, breaches);
    }

    /// <summary>
    /// The unfiltered report from the daily summary (<see cref="KpiDay"/>, <see cref="KpiDurationBucket"/>, kept exact by
    /// triggers): whole days of the period are read from it, the partial days at its edges from the requests. What
    /// depends on the clock is counted live: targets still pending and past due, the backlog, the breaches.
    /// Medians come from the duration histogram, to its bucket's precision (see <see cref="KpiBuckets"/>).
    /// </summary>
    private async Task<KpiReport> SummaryReportAsync(AnalyticsFilter filter, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var all = db.Requests.AsNoTracking();
        var cohort = all.Apply(filter, now);
        var period = DaySplit.Of(filter.From, filter.To);
        var cells = new Dictionary<(KpiDimension, int), Cell>();
        Cell At(KpiDimension d, int k) => cells.TryGetValue((d, k), out var c) ? c : cells[(d, k)] = new Cell();
        var histogram = new Dictionary<(KpiMeasure, long), long>();

        if (period.HasFullDays)
        {
            var days = db.KpiDays.AsNoTracking();
            if (period.FullFrom is { } ff) days = days.Where(d => d.Day >= ff);
            if (period.FullTo is { } ft) days = days.Where(d => d.Day < ft);
            foreach (var g in await days.GroupBy(d => new { d.Dimension, d.Key }).Select(g => new
            {
                g.Key.Dimension, g.Key.Key,
                Opened = g.Sum(x => x.Opened), Resolved = g.Sum(x => x.Resolved), Closed = g.Sum(x => x.Closed),
                ResponseMet = g.Sum(x => x.ResponseMet), ResponseDone = g.Sum(x => x.ResponseDone),
                ResolutionMet = g.Sum(x => x.ResolutionMet), ResolutionDone = g.Sum(x => x.ResolutionDone),
                Reopenable = g.Sum(x => x.Reopenable), Reopened = g.Sum(x => x.Reopened),
                Ratings = g.Sum(x => x.Ratings), RatingStars = g.Sum(x => x.RatingStars),
            }).ToListAsync(ct))
            {
                var c = At(g.Dimension, g.Key);
                c.Opened += g.Opened; c.Resolved += g.Resolved; c.Closed += g.Closed;
                c.ResponseMet += g.ResponseMet; c.ResponseEvaluated += g.ResponseDone;
                c.ResolutionMet += g.ResolutionMet; c.ResolutionEvaluated += g.ResolutionDone;
                c.Reopenable += g.Reopenable; c.Reopened += g.Reopened; c.Ratings += g.Ratings; c.RatingStars += g.RatingStars;
            }
            var buckets = db.KpiDurationBuckets.AsNoTracking();
            if (period.FullFrom is { } bf) buckets = buckets.Where(d => d.Day >= bf);
            if (period.FullTo is { } bt) buckets = buckets.Where(d => d.Day < bt);
            foreach (var b in await buckets.GroupBy(b => new { b.Measure, b.Bucket }).Select(g => new { g.Key.Measure, g.Key.Bucket, Count = g.Sum(x => x.Count) }).ToListAsync(ct))
                histogram[(b.Measure, b.Bucket)] = histogram.GetValueOrDefault((b.Measure, b.Bucket)) + b.Count;
        }

        // The partial days at the edges, from the requests (a day or less each).
        foreach (var (lo, hi) in period.Edges)
        {
            var edge = all.Where(r => r.CreatedAt >= lo && r.CreatedAt < hi);
            foreach (var g in await edge.GroupBy(r => new { r.CategoryId, r.ZoneId, TeamId = r.AssignedTeamId ?? 0, r.Priority }).Select(g => new
            {
                g.Key,
                Opened = g.Count(),
                ResponseMet = g.Count(r => r.ResponseDueAt != null && r.TriagedAt != null && r.TriagedAt <= r.ResponseDueAt),
                ResponseDone = g.Count(r => r.ResponseDueAt != null && r.TriagedAt != null),
                ResolutionMet = g.Count(r => r.CloseReason == null && r.ResolutionDueAt != null && r.ResolvedAt != null && r.ResolvedAt <= r.ResolutionDueAt),
                ResolutionDone = g.Count(r => r.CloseReason == null && r.ResolutionDueAt != null && r.ResolvedAt != null),
                Reopenable = g.Count(r => r.ResolvedAt != null || r.ReopenCount > 0),
                Reopened = g.Count(r => r.ReopenCount > 0),
            }).ToListAsync(ct))
                foreach (var c in Groups(At, g.Key.CategoryId, g.Key.ZoneId, g.Key.TeamId, g.Key.Priority))
                {
                    c.Opened += g.Opened; c.ResponseMet += g.ResponseMet; c.ResponseEvaluated += g.ResponseDone;
                    c.ResolutionMet += g.ResolutionMet; c.ResolutionEvaluated += g.ResolutionDone; c.Reopenable += g.Reopenable; c.Reopened += g.Reopened;
                }
            foreach (var g in await edge.Where(r => r.Rating != null).GroupBy(r => new { r.CategoryId, r.ZoneId, TeamId = r.AssignedTeamId ?? 0, r.Priority })
                         .Select(g => new { g.Key, Count = g.Count(), Stars = g.Sum(r => r.Rating!.Stars) }).ToListAsync(ct))
                foreach (var c in Groups(At, g.Key.CategoryId, g.Key.ZoneId, g.Key.TeamId, g.Key.Priority)) { c.Ratings += g.Count; c.RatingStars += g.Stars; }
            foreach (var g in await all.Where(r => r.ResolvedAt >= lo && r.ResolvedAt < hi).GroupBy(r => new { r.CategoryId, r.ZoneId, TeamId = r.AssignedTeamId ?? 0, r.Priority })
                         .Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct))
                foreach (var c in Groups(At, g.Key.CategoryId, g.Key.ZoneId, g.Key.TeamId, g.Key.Priority)) c.Resolved += g.Count;
            foreach (var g in await all.Where(r => r.ClosedAt >= lo && r.ClosedAt < hi).GroupBy(r => new { r.CategoryId, r.ZoneId, TeamId = r.AssignedTeamId ?? 0, r.Priority })
                         .Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct))
                foreach (var c in Groups(At, g.Key.CategoryId, g.Key.ZoneId, g.Key.TeamId, g.Key.Priority)) c.Closed += g.Count;
            var sql = Data.KpiSummarySql.LiveBucketsSql(db.Database.ProviderName == "Npgsql.EntityFrameworkCore.PostgreSQL");
            foreach (var b in await db.Database.SqlQueryRaw<BucketCount>(sql, lo, hi).ToListAsync(ct))
                histogram[((KpiMeasure)b.Measure, b.Bucket)] = histogram.GetValueOrDefault(((KpiMeasure)b.Measure, (long)b.Bucket)) + b.Count;
        }

        // Targets still pending but already past due count as evaluated (and missed): live, through small partial indexes.
        foreach (var g in await cohort.Where(r => r.TriagedAt == null && r.ResponseDueAt != null && r.ResponseDueAt < now)
                     .GroupBy(r => new { r.CategoryId, r.ZoneId, TeamId = r.AssignedTeamId ?? 0, r.Priority }).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct))
            foreach (var c in Groups(At, g.Key.CategoryId, g.Key.ZoneId, g.Key.TeamId, g.Key.Priority)) c.ResponseEvaluated += g.Count;
        foreach (var g in await cohort.Where(r => r.ResolvedAt == null && r.CloseReason == null && r.ResolutionDueAt != null && r.ResolutionDueAt < now)
                     .GroupBy(r => new { r.CategoryId, r.ZoneId, TeamId = r.AssignedTeamId ?? 0, r.Priority }).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct))
            foreach (var c in Groups(At, g.Key.CategoryId, g.Key.ZoneId, g.Key.TeamId, g.Key.Priority)) c.ResolutionEvaluated += g.Count;

        var names = await NamesAsync(db, ct);
        List<(int Key, SlaRow Row)> Rows(KpiDimension d) => cells.Where(x => x.Key.Item1 == d && x.Value.Opened > 0)
            .Select(x => (x.Key.Item2, new SlaRow("", x.Value.Opened, x.Value.ResponseMet, x.Value.ResponseEvaluated, x.Value.ResolutionMet, x.Value.ResolutionEvaluated))).ToList();
        var total = cells.GetValueOrDefault((KpiDimension.All, 0)) ?? new Cell();
        var overall = Rows(KpiDimension.All).Select(x => x.Row with { Name = "All" }).FirstOrDefault() ?? new SlaRow("All", 0, 0, 0, 0, 0);
        var byDimension = new Dictionary<SlaDimension, IReadOnlyList<SlaRow>>
        {
            [SlaDimension.Category] = Named(Rows(KpiDimension.Category), names.Categories),
            [SlaDimension.Zone] = Named(Rows(KpiDimension.Zone), names.Zones),
            [SlaDimension.Team] = Named(Rows(KpiDimension.Team), names.Teams),
            [SlaDimension.Priority] = Rows(KpiDimension.Priority).OrderBy(x => x.Key).Select(x => x.Row with { Name = ((Priority)x.Key).ToString() }).ToList(),
        };
        Task<double?> Median(KpiMeasure m) => ExactMedianAsync(db, m, histogram.Where(x => x.Key.Item1 == m).OrderBy(x => x.Key.Item2).Select(x => (x.Key.Item2, x.Value)).ToList(), filter, ct);
        var medians = new Medians(await Median(KpiMeasure.HoursToTriage), await Median(KpiMeasure.HoursToAssign), await Median(KpiMeasure.HoursToResolve));

        var backlog = await BacklogAsync(all, now, ct);
        var trend = await SummaryTrendAsync(db, all, filter, now, ct);
        var breaches = await BreachesAsync(cohort, names, now, ct);
        return new KpiReport(filter, now, total.Opened, total.Resolved, total.Closed, backlog, overall, byDimension, medians,
            total.Reopenable > 0 ? Math.Round(100.0 * total.Reopened / total.Reopenable, 1) : null,
            total.Ratings > 0 ? Math.Round((double)total.RatingStars / total.Ratings, 2) : null, total.Ratings, trend, breaches);
    }

    /// <summary>
    /// The exact median of a duration over the period: the histogram tells which bucket holds each middle rank and its
    /// offset there; the duration index returns that one value from the bucket's requests (the same value the
    /// from-scratch report sorts the whole period for).
    /// </summary>
    private static async Task<double?> ExactMedianAsync(CstDbContext db, KpiMeasure measure, List<(long Bucket, long Count)> histogram, AnalyticsFilter period, CancellationToken ct)
    {
        var n = histogram.Sum(b => b.Count);
        if (n <= 0) return null;
        var postgres = db.Database.ProviderName == "Npgsql.EntityFrameworkCore.PostgreSQL";
        var sql = Data.KpiSummarySql.ValueInBucketSql(postgres, (int)measure, period.From is not null, period.To is not null);
        async Task<double> At(long rank)
        {
            var (bucket, offset) = KpiBuckets.Locate(histogram, rank) ?? throw new InvalidOperationException("The duration histogram is shorter than its count.");
            var args = new List<object> { bucket / 60.0 - 0.001, (bucket + KpiBuckets.Width(bucket)) / 60.0 + 0.001, bucket, offset };
            if (period.From is { } f) args.Add(f);
            if (period.To is { } t) args.Add(t);
            return await db.Database.SqlQueryRaw<double>(sql, args.ToArray()).FirstAsync(ct);
        }
        var low = await At((n - 1) / 2);
        var high = n % 2 == 0 ? await At(n / 2) : low;
        return Math.Round((low + high) / 2, 2);
    }

    /// <summary>Opened and resolved per day for the whole city: whole days from the summary, the edges from the requests.</summary>
    private static async Task<IReadOnlyList<TrendPoint>> SummaryTrendAsync(CstDbContext db, IQueryable<ServiceRequest> all, AnalyticsFilter filter, DateTime now, CancellationToken ct)
    {
        var to = filter.To ?? now;
        var from = filter.From ?? to.AddDays(-30);
        var span = DaySplit.Of(from, to);
        var opened = new Dictionary<DateTime, int>();
        var resolved = new Dictionary<DateTime, int>();
        if (span.HasFullDays)
        {
            var days = db.KpiDays.AsNoTracking().Where(d => d.Dimension == KpiDimension.All);
            if (span.FullFrom is { } ff) days = days.Where(d => d.Day >= ff);
            if (span.FullTo is { } ft) days = days.Where(d => d.Day < ft);
            foreach (var d in await days.Select(d => new { d.Day, d.Opened, d.Resolved }).ToListAsync(ct))
            {
                opened[d.Day] = d.Opened;
                resolved[d.Day] = d.Resolved;
            }
        }
        foreach (var (lo, hi) in span.Edges)
        {
            foreach (var g in await all.Where(r => r.CreatedAt >= lo && r.CreatedAt < hi).GroupBy(r => r.CreatedAt.Date).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct))
                opened[g.Key] = opened.GetValueOrDefault(g.Key) + g.Count;
            foreach (var g in await all.Where(r => r.ResolvedAt >= lo && r.ResolvedAt < hi).GroupBy(r => r.ResolvedAt!.Value.Date).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct))
                resolved[g.Key] = resolved.GetValueOrDefault(g.Key) + g.Count;
        }
        var points = new List<TrendPoint>();
        for (var day = from.Date; day < to && points.Count < 400; day = day.AddDays(1))
            points.Add(new TrendPoint(day, opened.GetValueOrDefault(day), resolved.GetValueOrDefault(day)));
        return points;
    }

    /// <summary>A period [From, To) as the whole days the summary serves and the partial days at its edges.</summary>
    private sealed record DaySplit(bool HasFullDays, DateTime? FullFrom, DateTime? FullTo, IReadOnlyList<(DateTime Lo, DateTime Hi)> Edges)
    {
        public static DaySplit Of(DateTime? from, DateTime? to)
        {
            DateTime? fullFrom = from is { } f ? (f == f.Date ? f : f.Date.AddDays(1)) : null;
            DateTime? fullTo = to?.Date;
            if (fullFrom is { } a && fullTo is { } b && a >= b)
                return new DaySplit(false, null, null, from!.Value < to!.Value ? [(from.Value, to.Value)] : []);
            var edges = new List<(DateTime, DateTime)>();
            if (from is { } lo && fullFrom is { } ffrom && ffrom != lo) edges.Add((lo, ffrom));
            if (to is { } hi && fullTo is { } fto && fto != hi) edges.Add((fto, hi));
            return new DaySplit(true, fullFrom, fullTo, edges);
        }
    }

    private sealed class Cell
    {
        public int Opened, Resolved, Closed, ResponseMet, ResponseEvaluated, ResolutionMet, ResolutionEvaluated, Reopenable, Reopened, Ratings, RatingStars;
    }

    /// <summary>The five summary groups a request of these dimensions counts in.</summary>
    private static IEnumerable<Cell> Groups(Func<KpiDimension, int, Cell> at, int categoryId, int zoneId, int teamId, Priority priority)
    {
        yield return at(KpiDimension.All, 0);
        yield return at(KpiDimension.Category, categoryId);
        yield return at(KpiDimension.Zone, zoneId);
        yield return at(KpiDimension.Team, teamId);
        yield return at(KpiDimension.Priority, (int)priority);
    }

    private sealed class BucketCount
    {
        public int Measure { get; set; }
        public long Bucket { get; set; }
        public long Count { get; set; }
    }

    /// <summary>What is open now by age, then the overdue part: each from an index on (Status, CreatedAt) and (Status, ResolutionDueAt).</summary>
    private static async Task<BacklogAge> BacklogAsync(IQueryable<ServiceRequest> q, DateTime now, CancellationToken ct)
    {
        var open = RequestStatusExtensions.OpenStatuses.ToList();
        var d1 = now.AddDays(-1);
        var d7 = now.AddDays(-7);
        var d30 = now.AddDays(-30);
        var openNow = q.Where(r => open.Contains(r.Status));
        var row = await openNow.GroupBy(r => 1).Select(g => new BacklogAge(
            g.Count(),
            g.Count(r => r.CreatedAt > d1),
            g.Count(r => r.CreatedAt <= d1 && r.CreatedAt > d7),
            g.Count(r => r.CreatedAt <= d7 && r.CreatedAt > d30),
            g.Count(r => r.CreatedAt <= d30),
            0)).FirstOrDefaultAsync(ct);
        if (row is null) return new BacklogAge(0, 0, 0, 0, 0, 0);
        return row with { Overdue = await openNow.CountAsync(r => r.ResolutionDueAt != null && r.ResolutionDueAt < now, ct) };
    }

    /// <summary>Met and evaluated counts per group, in one GROUP BY.</summary>
    private static async Task<List<(TKey Key, SlaRow Row)>> SlaAsync<TKey>(IQueryable<ServiceRequest> q,
        System.Linq.Expressions.Expression<Func<ServiceRequest, TKey>> key, DateTime now, CancellationToken ct)
    {
        var rows = await q.GroupBy(key).Select(g => new
        {
            g.Key,
            Requests = g.Count(),
            ResponseMet = g.Count(r => r.ResponseDueAt != null && r.TriagedAt != null && r.TriagedAt <= r.ResponseDueAt),
            ResponseEvaluated = g.Count(r => r.ResponseDueAt != null && (r.TriagedAt != null || r.ResponseDueAt < now)),
            ResolutionMet = g.Count(r => r.CloseReason == null && r.ResolutionDueAt != null && r.ResolvedAt != null && r.ResolvedAt <= r.ResolutionDueAt),
            ResolutionEvaluated = g.Count(r => r.CloseReason == null && r.ResolutionDueAt != null && (r.ResolvedAt != null || r.ResolutionDueAt < now)),
        }).ToListAsync(ct);
        return rows.Select(r => (r.Key, new SlaRow("", r.Requests, r.ResponseMet, r.ResponseEvaluated, r.ResolutionMet, r.ResolutionEvaluated))).ToList();
    }

    private sealed record SlaKey(int CategoryId, int ZoneId, int TeamId, Priority Priority);

    private static List<(TKey Key, SlaRow Row)> Rollup<TKey>(List<(SlaKey Key, SlaRow Row)> cube, Func<SlaKey, TKey> key) =>
        cube.GroupBy(x => key(x.Key)).Select(g => (g.Key, new SlaRow("", g.Sum(x => x.Row.Requests), g.Sum(x => x.Row.ResponseMet),
            g.Sum(x => x.Row.ResponseEvaluated), g.Sum(x => x.Row.ResolutionMet), g.Sum(x => x.Row.ResolutionEvaluated)))).ToList();

    private static List<SlaRow> Named(List<(int Key, SlaRow Row)> rows, IReadOnlyDictionary<int, string> names) =>
        rows.Select(x => x.Row with { Name = names.TryGetValue(x.Key, out var n) ? n : "—" }).OrderBy(r => r.Name, StringComparer.CurrentCulture).ToList();

    /// <summary>
    /// The median of a per-request duration: one COUNT, then the database sorts and returns only the middle
    /// one or two values (ORDER BY … LIMIT 2 OFFSET n/2-…); no list of durations comes back.
    /// </summary>
    private static async Task<double?> MedianHoursAsync(IQueryable<double> hours, CancellationToken ct)
    {
        var n = await hours.CountAsync(ct);
        if (n == 0) return null;
        var middle = await hours.OrderBy(h => h).Skip((n - 1) / 2).Take(n % 2 == 0 ? 2 : 1).ToListAsync(ct);
        return Math.Round(middle.Average(), 2);
    }

    /// <summary>Per-request durations in hours, computed by the database.</summary>
    public sealed class RequestDuration
    {
        public int Id { get; set; }
        public double? HoursToTriage { get; set; }
        public double? HoursToAssign { get; set; }
        public double? HoursToResolve { get; set; }
    }

    /// <summary>
    /// The one place with raw SQL: LINQ cannot subtract two timestamps on every provider (SQLite has no
    /// translation), so this composable query computes each request's durations with the provider's own date
    /// function. EF composes filters, ORDER BY and LIMIT/OFFSET on top of it.
    /// </summary>
    public static IQueryable<RequestDuration> RequestDurations(CstDbContext db)
    {
        var sql = db.Database.ProviderName switch
        {
            "Npgsql.EntityFrameworkCore.PostgreSQL" => """
                SELECT "Id",
                       EXTRACT(EPOCH FROM ("TriagedAt" - "CreatedAt")) / 3600.0 AS "HoursToTriage",
                       EXTRACT(EPOCH FROM ("AssignedAt" - "CreatedAt")) / 3600.0 AS "HoursToAssign",
                       EXTRACT(EPOCH FROM ("ResolvedAt" - "CreatedAt")) / 3600.0 AS "HoursToResolve"
                FROM "ServiceRequests"
                """,
            _ => """
                SELECT "Id",
                       (julianday("TriagedAt") - julianday("CreatedAt")) * 24.0 AS "HoursToTriage",
                       (julianday("AssignedAt") - julianday("CreatedAt")) * 24.0 AS "HoursToAssign",
                       (julianday("ResolvedAt") - julianday("CreatedAt")) * 24.0 AS "HoursToResolve"
                FROM "ServiceRequests"
                """,
        };
        return db.Database.SqlQueryRaw<RequestDuration>(sql);
    }

    private static async Task<IReadOnlyList<TrendPoint>> TrendAsync(IQueryable<ServiceRequest> all, AnalyticsFilter dims, AnalyticsFilter filter, DateTime now, CancellationToken ct)
    {
        var to = filter.To ?? now;
        var from = filter.From ?? to.AddDays(-30);
        var openedByDay = await all.Apply(dims, now).Where(r => r.CreatedAt >= from && r.CreatedAt < to)
            .GroupBy(r => r.CreatedAt.Date).Select(g => new { Day = g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Day, x => x.Count, ct);
        var resolvedByDay = await all.Apply(dims, now).Where(r => r.ResolvedAt != null && r.ResolvedAt >= from && r.ResolvedAt < to)
            .GroupBy(r => r.ResolvedAt!.Value.Date).Select(g => new { Day = g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Day, x => x.Count, ct);
        var points = new List<TrendPoint>();
        for (var day = from.Date; day < to && points.Count < 400; day = day.AddDays(1))
            points.Add(new TrendPoint(day, openedByDay.GetValueOrDefault(day), resolvedByDay.GetValueOrDefault(day)));
        return points;
    }

    /// <summary>
    /// The first resolution breaches by due time: resolved late (a partial index holds exactly those) and still open past
    /// due (a partial index holds the unresolved), each sorted and cut in the database, then merged.
    /// </summary>
    private static async Task<IReadOnlyList<Breach>> BreachesAsync(IQueryable<ServiceRequest> cohort, Names names, DateTime now, CancellationToken ct)
    {
        var late = await cohort
            .Where(r => r.CloseReason == null && r.ResolvedAt > r.ResolutionDueAt && r.ResolutionDueAt != null && r.ResolvedAt != null)
            .OrderBy(r => r.ResolutionDueAt).ThenBy(r => r.Id).Take(MaxBreaches)
            .Select(r => new { r.Id, r.Number, r.CategoryId, r.ZoneId, r.Priority, Due = r.ResolutionDueAt!.Value, r.ResolvedAt })
            .ToListAsync(ct);
        var overdue = await cohort
            .Where(r => r.ResolvedAt == null && r.CloseReason == null && r.ResolutionDueAt != null && r.ResolutionDueAt < now)
            .OrderBy(r => r.ResolutionDueAt).ThenBy(r => r.Id).Take(MaxBreaches)
            .Select(r => new { r.Id, r.Number, r.CategoryId, r.ZoneId, r.Priority, Due = r.ResolutionDueAt!.Value, r.ResolvedAt })
            .ToListAsync(ct);
        return late.Concat(overdue).OrderBy(r => r.Due).ThenBy(r => r.Id).Take(MaxBreaches)
            .Select(r => new Breach(r.Number, names.Categories.GetValueOrDefault(r.CategoryId, "—"), names.Zones.GetValueOrDefault(r.ZoneId, "—"),
                r.Priority, "Resolution", r.Due, r.ResolvedAt, Math.Round(((r.ResolvedAt ?? now) - r.Due).TotalHours, 1))).ToList();
    }

    /// <summary>Choices for the dashboard's filters.</summary>
    public async Task<Geo.MapFilterOptions> OptionsAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return new Geo.MapFilterOptions(
            await db.Categories.AsNoTracking().OrderBy(c => c.Name).Select(c => new Geo.NamedOption(c.Id, c.ServiceCode, c.Name)).ToListAsync(ct),
            await db.Zones.AsNoTracking().OrderBy(z => z.Name).Select(z => new Geo.NamedOption(z.Id, z.Code, z.Name)).ToListAsync(ct),
            await db.Teams.AsNoTracking().OrderBy(t => t.Name).Select(t => new Geo.NamedOption(t.Id, t.Name, t.Name)).ToListAsync(ct));
    }

    /// <summary>The filter described in words, for report headers.</summary>
    public async Task<string> DescribeAsync(AnalyticsFilter f, CancellationToken ct = default)
    {
        var o = await OptionsAsync(ct);
        var parts = new List<string>();
        if (f.CategoryId is { } c) parts.Add("Category: " + (o.Categories.FirstOrDefault(x => x.Id == c)?.Name ?? c.ToString()));
        if (f.ZoneId is { } z) parts.Add("Zone: " + (o.Zones.FirstOrDefault(x => x.Id == z)?.Name ?? z.ToString()));
        if (f.TeamId is { } t) parts.Add("Team: " + (o.Teams.FirstOrDefault(x => x.Id == t)?.Name ?? t.ToString()));
        if (f.Priority is { } p) parts.Add("Priority: " + p);
        return parts.Count == 0 ? "All requests" : string.Join("; ", parts);
    }

    private sealed record Names(IReadOnlyDictionary<int, string> Categories, IReadOnlyDictionary<int, string> Zones, IReadOnlyDictionary<int, string> Teams);

    private static async Task<Names> NamesAsync(CstDbContext db, CancellationToken ct)
    {
        var teams = await db.Teams.AsNoTracking().Select(t => new { t.Id, t.Name }).ToDictionaryAsync(t => t.Id, t => t.Name, ct);
        teams[0] = "Unassigned";
        return new Names(
            await db.Categories.AsNoTracking().Select(c => new { c.Id, c.Name }).ToDictionaryAsync(c => c.Id, c => c.Name, ct),
            await db.Zones.AsNoTracking().Select(z => new { z.Id, z.Name }).ToDictionaryAsync(z => z.Id, z => z.Name, ct),
            teams);
    }
}
