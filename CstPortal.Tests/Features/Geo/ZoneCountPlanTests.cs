using System.Data.Common;
using CstPortal.Features.Analytics;
using CstPortal.Features.Geo;
using CstPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CstPortal.Tests.Features.Geo;

/// <summary>
/// The live map counts open requests per zone on every change in the city. On SQLite that count must come from the
/// partial index of open requests alone: if the SQL stopped naming the open statuses as the index's literals (say, as
/// parameters after an EF Core upgrade), SQLite would read every request of the city, and nothing else would notice.
/// </summary>
public class ZoneCountPlanTests : IAsyncLifetime
{
    private TestCity _city = default!;

    public async Task InitializeAsync() => _city = await TestCity.CreateAsync();

    public async Task DisposeAsync() => await _city.DisposeAsync();

    [Fact]
    public async Task Zone_counts_read_only_the_partial_index_of_open_requests()
    {
        await using var db = _city.Db();
        var query = GeoFeedService.OpenCountsByZone(db, AnalyticsFilter.OpenOnly, _city.Clock.GetUtcNow().UtcDateTime).ToQueryString();

        var plan = await ExplainAsync(db, query);

        Assert.Contains("USING COVERING INDEX IX_ServiceRequests_Open_Status_ZoneId_ResolutionDueAt", plan);
    }

    /// <summary>EXPLAIN QUERY PLAN for SQL from ToQueryString, whose parameters come first as ".param set @name value" lines.</summary>
    private static async Task<string> ExplainAsync(DbContext db, string sql)
    {
        var lines = sql.Split('\n');
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        await using DbCommand command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + string.Join('\n', lines.Where(l => !l.StartsWith(".param ", StringComparison.Ordinal)));
        foreach (var line in lines.Where(l => l.StartsWith(".param set ", StringComparison.Ordinal)))
        {
            var parts = line.Split(' ', 4);
            var parameter = command.CreateParameter();
            parameter.ParameterName = parts[2];
            parameter.Value = parts[3].Trim().Trim('\'');
            command.Parameters.Add(parameter);
        }
        var plan = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) plan.Add(reader.GetString(3));
        return string.Join("\n", plan);
    }
}
