using System.Text;
using Microsoft.EntityFrameworkCore.Migrations;

namespace CstPortal.Data;

/// <summary>
/// The KPI summary (<see cref="Features.Analytics.KpiDay"/>, <see cref="Features.Analytics.KpiDurationBucket"/>) is kept by
/// triggers in the database, on both providers. Why triggers: every write path changes ServiceRequests and Ratings
/// (EF's SaveChanges in the workflow, merges and Open311 intake, ExecuteUpdate in sweeps, the demo bulk loader's raw
/// INSERTs), and a trigger sees them all in the same transaction, so the summary cannot drift or lag. An update takes
/// the row's old contribution away and adds its new one; the UPDATE trigger fires only when a column the summary
/// reads changes.
/// <para>Raw SQL, kept here so the lead can regenerate migrations and re-add one call: <see cref="SqliteUp"/> from the
/// SQLite migration, <see cref="PostgresUp"/> from <see cref="PostgresSchemaSql.Up"/>. Both end with
/// <see cref="Rebuild"/>, which backfills the summary from the base tables (also used by the bulk loader).</para>
/// </summary>
public static class KpiSummarySql
{
    private const string Days = "\"KpiDays\"";
    private const string Buckets = "\"KpiDurationBuckets\"";

    /// <summary>The columns of ServiceRequests the summary reads: the UPDATE trigger fires only when one changes.</summary>
    private static readonly string[] WatchedColumns =
        ["CreatedAt", "CategoryId", "ZoneId", "AssignedTeamId", "Priority", "TriagedAt", "AssignedAt", "ResolvedAt", "ClosedAt",
         "ResponseDueAt", "ResolutionDueAt", "CloseReason", "ReopenCount"];

    private sealed record Dialect(bool Postgres)
    {
        public string Day(string ts) => Postgres ? $"date_trunc('day', {ts}, 'UTC')" : $"(substr({ts}, 1, 10) || ' 00:00:00')";
        public string Minutes(string end, string start) => Postgres
            ? $"CAST(TRUNC(EXTRACT(EPOCH FROM ({end} - {start})) / 60) AS integer)"
            : $"CAST((julianday({end}) - julianday({start})) * 1440 AS INTEGER)";
        public string PriorityKey(string r) => $"CAST(substr({r}.\"Priority\", 2) AS integer)";
        /// <summary>The existing row's column inside ON CONFLICT DO UPDATE.</summary>
        public string Existing(string table, string column) => Postgres ? $"{table}.\"{column}\"" : $"\"{column}\"";
    }

    private static string Bucket(string m) =>
        $"(CASE WHEN {m} < 60 THEN {m} WHEN {m} < 600 THEN {m} / 5 * 5 WHEN {m} < 6000 THEN {m} / 30 * 30 WHEN {m} < 60000 THEN {m} / 300 * 300 ELSE {m} / 3000 * 3000 END)";

    private static string When(string condition) => $"(CASE WHEN {condition} THEN 1 ELSE 0 END)";

    private static readonly string[] DayColumns =
        ["Opened", "Resolved", "Closed", "ResponseMet", "ResponseDone", "ResolutionMet", "ResolutionDone", "Reopenable", "Reopened", "Ratings", "RatingStars"];

    /// <summary>The five groups a request counts in: All, its category, zone, team (0 when none) and priority.</summary>
    private const string Groups = "(SELECT 0 AS dim UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4) AS g";

    /// <summary>The request's key in group g.</summary>
    private static string Key(Dialect d, string r) =>
        $"(CASE g.dim WHEN 0 THEN 0 WHEN 1 THEN {r}.\"CategoryId\" WHEN 2 THEN {r}.\"ZoneId\" WHEN 3 THEN COALESCE({r}.\"AssignedTeamId\", 0) ELSE {d.PriorityKey(r)} END)";

    /// <summary>Adds <paramref name="values"/> (column → expression, others 0) to the KpiDays rows of a day for each group.</summary>
    private static string UpsertDays(Dialect d, string r, string day, string where, IReadOnlyDictionary<string, string> values) =>
        $"INSERT INTO {Days} (\"Day\", \"Dimension\", \"Key\", {string.Join(", ", DayColumns.Select(c => $"\"{c}\""))}) " +
        $"SELECT {day}, g.dim, {Key(d, r)}, {string.Join(", ", DayColumns.Select(c => values.GetValueOrDefault(c, "0")))} FROM {Groups} WHERE {where} " +
        $"ON CONFLICT (\"Day\", \"Dimension\", \"Key\") DO UPDATE SET " +
        string.Join(", ", values.Keys.Select(c => $"\"{c}\" = {d.Existing(Days, c)} + excluded.\"{c}\"")) + ";";

    private static string UpsertBucket(Dialect d, string r, int measure, string column, string sign) =>
        $"INSERT INTO {Buckets} (\"Day\", \"Measure\", \"Bucket\", \"Count\") " +
        $"SELECT {d.Day($"{r}.\"CreatedAt\"")}, {measure}, {Bucket(d.Minutes($"{r}.\"{column}\"", $"{r}.\"CreatedAt\""))}, {sign} WHERE {r}.\"{column}\" IS NOT NULL " +
        $"ON CONFLICT (\"Day\", \"Measure\", \"Bucket\") DO UPDATE SET \"Count\" = {d.Existing(Buckets, "Count")} + excluded.\"Count\";";

    /// <summary>The statements that add (sign "1") or remove (sign "-1") one request's contribution, <paramref name="r"/> being NEW or OLD.</summary>
    private static string Contribution(Dialect d, string r, string sign)
    {
        string S(string condition) => $"{sign} * {When(condition)}";
        var rating = $"(SELECT COUNT(*) FROM \"Ratings\" WHERE \"ServiceRequestId\" = {r}.\"Id\")";
        var stars = $"(SELECT COALESCE(SUM(\"Stars\"), 0) FROM \"Ratings\" WHERE \"ServiceRequestId\" = {r}.\"Id\")";
        var s = new StringBuilder();
        s.AppendLine(UpsertDays(d, r, d.Day($"{r}.\"CreatedAt\""), "1 = 1", new Dictionary<string, string>
        {
            ["Opened"] = sign,
            ["ResponseMet"] = S($"{r}.\"ResponseDueAt\" IS NOT NULL AND {r}.\"TriagedAt\" IS NOT NULL AND {r}.\"TriagedAt\" <= {r}.\"ResponseDueAt\""),
            ["ResponseDone"] = S($"{r}.\"ResponseDueAt\" IS NOT NULL AND {r}.\"TriagedAt\" IS NOT NULL"),
            ["ResolutionMet"] = S($"{r}.\"CloseReason\" IS NULL AND {r}.\"ResolutionDueAt\" IS NOT NULL AND {r}.\"ResolvedAt\" IS NOT NULL AND {r}.\"ResolvedAt\" <= {r}.\"ResolutionDueAt\""),
            ["ResolutionDone"] = S($"{r}.\"CloseReason\" IS NULL AND {r}.\"ResolutionDueAt\" IS NOT NULL AND {r}.\"ResolvedAt\" IS NOT NULL"),
            ["Reopenable"] = S($"{r}.\"ResolvedAt\" IS NOT NULL OR {r}.\"ReopenCount\" > 0"),
            ["Reopened"] = S($"{r}.\"ReopenCount\" > 0"),
            ["Ratings"] = $"{sign} * {rating}",
            ["RatingStars"] = $"{sign} * {stars}",
        }));
        s.AppendLine(UpsertDays(d, r, d.Day($"{r}.\"ResolvedAt\""), $"{r}.\"ResolvedAt\" IS NOT NULL", new Dictionary<string, string> { ["Resolved"] = sign }));
        s.AppendLine(UpsertDays(d, r, d.Day($"{r}.\"ClosedAt\""), $"{r}.\"ClosedAt\" IS NOT NULL", new Dictionary<string, string> { ["Closed"] = sign }));
        s.AppendLine(UpsertBucket(d, r, 1, "TriagedAt", sign));
        s.AppendLine(UpsertBucket(d, r, 2, "AssignedAt", sign));
        s.AppendLine(UpsertBucket(d, r, 3, "ResolvedAt", sign));
        return s.ToString();
    }

    /// <summary>A rating's stars count on its request's creation day, in the request's groups.</summary>
    private static string RatingContribution(Dialect d, string rating, string sign) =>
        $"INSERT INTO {Days} (\"Day\", \"Dimension\", \"Key\", {string.Join(", ", DayColumns.Select(c => $"\"{c}\""))}) " +
        $"SELECT {d.Day("r.\"CreatedAt\"")}, g.dim, {Key(d, "r")}, {string.Join(", ", DayColumns.Select(c => c switch { "Ratings" => sign, "RatingStars" => $"{sign} * {rating}.\"Stars\"", _ => "0" }))} " +
        $"FROM \"ServiceRequests\" AS r CROSS JOIN {Groups} WHERE r.\"Id\" = {rating}.\"ServiceRequestId\" " +
        $"ON CONFLICT (\"Day\", \"Dimension\", \"Key\") DO UPDATE SET \"Ratings\" = {d.Existing(Days, "Ratings")} + excluded.\"Ratings\", " +
        $"\"RatingStars\" = {d.Existing(Days, "RatingStars")} + excluded.\"RatingStars\";";

    /// <summary>Empties the summary and fills it again from ServiceRequests and Ratings (the migration's backfill; the bulk loader's last step).</summary>
    public static IEnumerable<string> Rebuild(bool postgres)
    {
        var d = new Dialect(postgres);
        string Sum(string condition) => $"SUM({When(condition)})";
        yield return $"DELETE FROM {Days};";
        yield return $"DELETE FROM {Buckets};";
        // One grouped pass per role; the five groups come from a join with a five-row list.
        var cohort = new Dictionary<string, string>
        {
            ["Opened"] = "COUNT(*)",
            ["ResponseMet"] = Sum("r.\"ResponseDueAt\" IS NOT NULL AND r.\"TriagedAt\" IS NOT NULL AND r.\"TriagedAt\" <= r.\"ResponseDueAt\""),
            ["ResponseDone"] = Sum("r.\"ResponseDueAt\" IS NOT NULL AND r.\"TriagedAt\" IS NOT NULL"),
            ["ResolutionMet"] = Sum("r.\"CloseReason\" IS NULL AND r.\"ResolutionDueAt\" IS NOT NULL AND r.\"ResolvedAt\" IS NOT NULL AND r.\"ResolvedAt\" <= r.\"ResolutionDueAt\""),
            ["ResolutionDone"] = Sum("r.\"CloseReason\" IS NULL AND r.\"ResolutionDueAt\" IS NOT NULL AND r.\"ResolvedAt\" IS NOT NULL"),
            ["Reopenable"] = Sum("r.\"ResolvedAt\" IS NOT NULL OR r.\"ReopenCount\" > 0"),
            ["Reopened"] = Sum("r.\"ReopenCount\" > 0"),
            ["Ratings"] = "COUNT(t.\"Stars\")",
            ["RatingStars"] = "COALESCE(SUM(t.\"Stars\"), 0)",
        };
        foreach (var (day, where, values, join) in new[]
        {
            ("CreatedAt", "1 = 1", cohort, "LEFT JOIN \"Ratings\" AS t ON t.\"ServiceRequestId\" = r.\"Id\""),
            ("ResolvedAt", "r.\"ResolvedAt\" IS NOT NULL", new Dictionary<string, string> { ["Resolved"] = "COUNT(*)" }, ""),
            ("ClosedAt", "r.\"ClosedAt\" IS NOT NULL", new Dictionary<string, string> { ["Closed"] = "COUNT(*)" }, ""),
        })
        {
            var dayExpr = d.Day($"r.\"{day}\"");
            var key = Key(d, "r");
            yield return
                $"INSERT INTO {Days} (\"Day\", \"Dimension\", \"Key\", {string.Join(", ", DayColumns.Select(c => $"\"{c}\""))}) " +
                $"SELECT {dayExpr}, g.dim, {key}, {string.Join(", ", DayColumns.Select(c => values.GetValueOrDefault(c, "0")))} " +
                $"FROM \"ServiceRequests\" AS r {join} CROSS JOIN {Groups} " +
                $"WHERE {where} GROUP BY {dayExpr}, g.dim, {key} " +
                $"ON CONFLICT (\"Day\", \"Dimension\", \"Key\") DO UPDATE SET " +
                string.Join(", ", values.Keys.Select(c => $"\"{c}\" = {d.Existing(Days, c)} + excluded.\"{c}\"")) + ";";
        }
        foreach (var (measure, column) in new[] { (1, "TriagedAt"), (2, "AssignedAt"), (3, "ResolvedAt") })
        {
            var bucket = Bucket(d.Minutes($"r.\"{column}\"", "r.\"CreatedAt\""));
            yield return
                $"INSERT INTO {Buckets} (\"Day\", \"Measure\", \"Bucket\", \"Count\") " +
                $"SELECT {d.Day("r.\"CreatedAt\"")}, {measure}, {bucket}, COUNT(*) FROM \"ServiceRequests\" AS r WHERE r.\"{column}\" IS NOT NULL " +
                $"GROUP BY {d.Day("r.\"CreatedAt\"")}, {bucket};";
        }
    }

    /// <summary>
    /// The duration histogram of the requests created in [{0}, {1}), computed live with the same buckets as the summary
    /// (for the partial days at the edges of a report's period). Columns: Measure, Bucket, Count.
    /// </summary>
    public static string LiveBucketsSql(bool postgres)
    {
        var d = new Dialect(postgres);
        return string.Join(" UNION ALL ", new[] { (1, "TriagedAt"), (2, "AssignedAt"), (3, "ResolvedAt") }.Select(x =>
        {
            var bucket = Bucket(d.Minutes($"r.\"{x.Item2}\"", "r.\"CreatedAt\""));
            return $"SELECT {x.Item1} AS \"Measure\", {bucket} AS \"Bucket\", COUNT(*) AS \"Count\" FROM \"ServiceRequests\" AS r " +
                   $"WHERE r.\"CreatedAt\" >= {{0}} AND r.\"CreatedAt\" < {{1}} AND r.\"{x.Item2}\" IS NOT NULL GROUP BY {bucket}";
        }));
    }

    private static readonly (int Measure, string Column)[] Measures = [(1, "TriagedAt"), (2, "AssignedAt"), (3, "ResolvedAt")];

    /// <summary>A request's duration in hours to a measure's time, exactly as <c>KpiService.RequestDurations</c> computes it.</summary>
    private static string Hours(bool postgres, string column) => postgres
        ? $"(EXTRACT(EPOCH FROM (\"{column}\" - \"CreatedAt\")) / 3600.0)"
        : $"((julianday(\"{column}\") - julianday(\"CreatedAt\")) * 24.0)";

    private static string IndexName(string column) => $"IX_ServiceRequests_HoursTo{column}";

    /// <summary>
    /// An index on each duration (expression index, both providers), so an exact median is read from the few requests
    /// of its histogram bucket instead of sorting the period's requests; CreatedAt in the index keeps other periods'
    /// requests of that bucket from being read.
    /// </summary>
    public static IEnumerable<string> DurationIndexes(bool postgres) => Measures.Select(x =>
        $"CREATE INDEX \"{IndexName(x.Column)}\" ON \"ServiceRequests\" ({Hours(postgres, x.Column)}, \"CreatedAt\") WHERE \"{x.Column}\" IS NOT NULL;");

    /// <summary>
    /// The duration (column "Value", hours) at a 0-based offset among the requests created in the period whose duration
    /// falls in one histogram bucket, in order. Parameters: {0} hours low, {1} hours high (a little wider than the
    /// bucket: the bucket test itself is exact), {2} bucket, {3} offset, then {4} from and {5} to when present.
    /// </summary>
    public static string ValueInBucketSql(bool postgres, int measure, bool hasFrom, bool hasTo)
    {
        var d = new Dialect(postgres);
        var column = Measures.Single(x => x.Measure == measure).Column;
        var hours = Hours(postgres, column);
        // SQLite: the unary + keeps the planner off the CreatedAt index, so it ranges over the duration index.
        var created = postgres ? "\"CreatedAt\"" : "+\"CreatedAt\"";
        var bucket = Bucket(d.Minutes($"\"{column}\"", "\"CreatedAt\""));
        // PostgreSQL: the indexed hours are numeric (EXTRACT returns numeric), so the bounds are made numeric too; compared
        // with a double precision parameter the expression would be cast to double and the index could not be used.
        var (low, high) = postgres ? ("CAST({0} AS numeric)", "CAST({1} AS numeric)") : ("{0}", "{1}");
        return $"SELECT {hours} AS \"Value\" FROM \"ServiceRequests\" WHERE \"{column}\" IS NOT NULL AND {hours} >= {low} AND {hours} < {high} AND {bucket} = {{2}}" +
               (hasFrom ? $" AND {created} >= {{4}}" : "") + (hasTo ? $" AND {created} < {{{(hasFrom ? 5 : 4)}}}" : "") +
               $" ORDER BY {hours} LIMIT 1 OFFSET {{3}}";
    }

    public const string SqliteTriggerPrefix = "KpiSummary_";

    /// <summary>SQLite: the triggers, then the backfill.</summary>
    public static void SqliteUp(MigrationBuilder m)
    {
        foreach (var statement in SqliteTriggers()) m.Sql(statement);
        foreach (var statement in DurationIndexes(postgres: false)) m.Sql(statement);
        foreach (var statement in Rebuild(postgres: false)) m.Sql(statement);
    }

    public static void SqliteDown(MigrationBuilder m)
    {
        foreach (var x in Measures) m.Sql($"DROP INDEX IF EXISTS \"{IndexName(x.Column)}\";");
        foreach (var name in SqliteTriggerNames) m.Sql($"DROP TRIGGER IF EXISTS {name};");
    }

    public static readonly string[] SqliteTriggerNames =
        [.. new[] { "request_insert", "request_update", "request_delete", "rating_insert", "rating_update", "rating_delete" }.Select(n => SqliteTriggerPrefix + n)];

    public static IEnumerable<string> SqliteTriggers()
    {
        var d = new Dialect(false);
        var changed = string.Join(" OR ", WatchedColumns.Select(c => $"OLD.\"{c}\" IS NOT NEW.\"{c}\""));
        string Rating(string t, string sign) => RatingContribution(d, t, sign);
        yield return $"CREATE TRIGGER {SqliteTriggerPrefix}request_insert AFTER INSERT ON \"ServiceRequests\" BEGIN\n{Contribution(d, "NEW", "1")}END;";
        yield return $"CREATE TRIGGER {SqliteTriggerPrefix}request_update AFTER UPDATE OF {string.Join(", ", WatchedColumns.Select(c => $"\"{c}\""))} ON \"ServiceRequests\" " +
                     $"WHEN {changed} BEGIN\n{Contribution(d, "OLD", "-1")}{Contribution(d, "NEW", "1")}END;";
        yield return $"CREATE TRIGGER {SqliteTriggerPrefix}request_delete AFTER DELETE ON \"ServiceRequests\" BEGIN\n{Contribution(d, "OLD", "-1")}END;";
        yield return $"CREATE TRIGGER {SqliteTriggerPrefix}rating_insert AFTER INSERT ON \"Ratings\" BEGIN\n{Rating("NEW", "1")}\nEND;";
        yield return $"CREATE TRIGGER {SqliteTriggerPrefix}rating_update AFTER UPDATE OF \"Stars\", \"ServiceRequestId\" ON \"Ratings\" BEGIN\n{Rating("OLD", "-1")}\n{Rating("NEW", "1")}\nEND;";
        yield return $"CREATE TRIGGER {SqliteTriggerPrefix}rating_delete AFTER DELETE ON \"Ratings\" BEGIN\n{Rating("OLD", "-1")}\nEND;";
    }

    /// <summary>PostgreSQL: trigger functions (row triggers, same statements), then the backfill. Called from <see cref="PostgresSchemaSql.Up"/>.</summary>
    public static void PostgresUp(MigrationBuilder m)
    {
        var d = new Dialect(true);
        var changed = string.Join(" OR ", WatchedColumns.Select(c => $"OLD.\"{c}\" IS DISTINCT FROM NEW.\"{c}\""));
        m.Sql($"""
            CREATE FUNCTION cst_kpi_request() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF TG_OP IN ('UPDATE', 'DELETE') THEN
            {Contribution(d, "OLD", "-1")}
              END IF;
              IF TG_OP IN ('INSERT', 'UPDATE') THEN
            {Contribution(d, "NEW", "1")}
              END IF;
              RETURN NULL;
            END $$;
            """);
        m.Sql($"""
            CREATE FUNCTION cst_kpi_rating() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF TG_OP IN ('UPDATE', 'DELETE') THEN
            {RatingContribution(d, "OLD", "-1")}
              END IF;
              IF TG_OP IN ('INSERT', 'UPDATE') THEN
            {RatingContribution(d, "NEW", "1")}
              END IF;
              RETURN NULL;
            END $$;
            """);
        m.Sql("""CREATE TRIGGER "ServiceRequests_kpi_insert_delete" AFTER INSERT OR DELETE ON "ServiceRequests" FOR EACH ROW EXECUTE FUNCTION cst_kpi_request();""");
        m.Sql($"""
            CREATE TRIGGER "ServiceRequests_kpi_update" AFTER UPDATE OF {string.Join(", ", WatchedColumns.Select(c => $"\"{c}\""))} ON "ServiceRequests"
            FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION cst_kpi_request();
            """);
        m.Sql("""CREATE TRIGGER "Ratings_kpi" AFTER INSERT OR UPDATE OR DELETE ON "Ratings" FOR EACH ROW EXECUTE FUNCTION cst_kpi_rating();""");
        foreach (var statement in DurationIndexes(postgres: true)) m.Sql(statement);
        foreach (var statement in Rebuild(postgres: true)) m.Sql(statement);
    }

    public static void PostgresDown(MigrationBuilder m)
    {
        foreach (var x in Measures) m.Sql($"DROP INDEX IF EXISTS \"{IndexName(x.Column)}\";");
        m.Sql("""DROP TRIGGER IF EXISTS "ServiceRequests_kpi_insert_delete" ON "ServiceRequests";""");
        m.Sql("""DROP TRIGGER IF EXISTS "ServiceRequests_kpi_update" ON "ServiceRequests";""");
        m.Sql("""DROP TRIGGER IF EXISTS "Ratings_kpi" ON "Ratings";""");
        m.Sql("DROP FUNCTION IF EXISTS cst_kpi_request();");
        m.Sql("DROP FUNCTION IF EXISTS cst_kpi_rating();");
    }
}
