using System.Data.Common;
using System.Text.RegularExpressions;
using CstPortal.Data;
using CstPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CstPortal.Tests.Features.Analytics;

/// <summary>
/// The exact median reads one value from the duration index (KpiSummarySql.ValueInBucketSql). On PostgreSQL the indexed
/// hours are numeric: with the app's double parameters compared as they are, the planner cannot use the index and a
/// lookup reads every request of the period (1 s instead of 2 ms at 10,000,000 requests, BENCHMARKS.md).
/// </summary>
public partial class MedianPlanOnPostgresTests : IAsyncLifetime
{
    private TestCity _city = default!;

    public async Task InitializeAsync() => _city = await TestCity.CreateAsync(DatabaseProvider.PostgreSQL);
    public async Task DisposeAsync() => await _city.DisposeAsync();

    [Fact]
    public async Task A_median_lookup_ranges_over_the_duration_index_with_the_parameters_the_app_passes()
    {
        await using var db = _city.Db();
        var sql = KpiSummarySql.ValueInBucketSql(postgres: true, measure: 3, hasFrom: true, hasTo: true);
        // The same values and CLR types as KpiService.ExactMedianAsync: hours as double, bucket and offset as long, times.
        object[] args = [120 / 60.0 - 0.001, 150 / 60.0 + 0.001, 120L, 0L, new DateTime(2026, 8, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc)];

        var plan = await ExplainAsync(db, sql, args);

        Assert.Contains("IX_ServiceRequests_HoursToResolvedAt", plan);
        Assert.Contains("Index Cond", plan);
    }

    /// <summary>EXPLAIN with sequential scans off: the plan uses the duration index if the query lets it.</summary>
    private static async Task<string> ExplainAsync(DbContext db, string sql, object[] args)
    {
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        await using (var off = connection.CreateCommand())
        {
            off.CommandText = "SET enable_seqscan = off";
            await off.ExecuteNonQueryAsync();
        }
        await using DbCommand command = connection.CreateCommand();
        command.CommandText = "EXPLAIN " + Placeholder().Replace(sql, m => "@p" + m.Groups[1].Value);
        for (var i = 0; i < args.Length; i++)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "p" + i;
            parameter.Value = args[i];
            command.Parameters.Add(parameter);
        }
        var lines = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) lines.Add(reader.GetString(0));
        return string.Join('\n', lines);
    }

    [GeneratedRegex(@"\{(\d+)\}")]
    private static partial Regex Placeholder();
}
