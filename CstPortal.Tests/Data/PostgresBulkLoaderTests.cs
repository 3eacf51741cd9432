using CstPortal.Common;
using CstPortal.Data;
using CstPortal.Data.DemoCity;
using CstPortal.Features.Requests;
using CstPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace CstPortal.Tests.Data;

/// <summary>
/// The PostgreSQL bulk loader (binary COPY, indexes, foreign keys and summary triggers off during the load) against the
/// EF Core path (change tracker, triggers keeping the summaries row by row) on the same seed: the same rows, the same
/// summaries, the same schema afterwards, and an app that goes on writing as if the city had been inserted one by one.
/// </summary>
public sealed class PostgresBulkLoaderTests : IOnPostgres
{
    private const int Requests = 3000;

    /// <summary>Tables compared row by row; the children's own ids are left out (the database hands them out in its own order).</summary>
    private static readonly string[] Children =
        ["StatusChanges", "RequestAnswers", "Comments", "InternalNotes", "Milestones", "Evidence", "Ratings", "SlaEscalations"];

    [Fact]
    public async Task A_bulk_loaded_city_equals_the_EF_Core_one_and_the_app_goes_on_writing_into_it()
    {
        await using var bulk = await SeededCityAsync(useBulkLoaders: true);
        await using var ef = await SeededCityAsync(useBulkLoaders: false);

        // Same rows: the requests as generated (with the PostGIS location the database computed), every child row, the
        // summaries, the audit chain.
        Assert.Equal(Requests, await ScalarAsync<long>(bulk.ConnectionString, """SELECT count(*) FROM "ServiceRequests" """));
        Assert.Equal(0L, await ScalarAsync<long>(bulk.ConnectionString, """SELECT count(*) FROM "ServiceRequests" WHERE "Location" IS NULL"""));
        foreach (var table in Children)
        {
            var count = $"""SELECT count(*) FROM "{table}" """;
            Assert.Equal((table, await ScalarAsync<long>(ef.ConnectionString, count)), (table, await ScalarAsync<long>(bulk.ConnectionString, count)));
        }
        var loaded = await ContentAsync(bulk.ConnectionString);
        foreach (var (table, rows) in await ContentAsync(ef.ConnectionString)) AssertSameRows(table, rows, loaded[table]);

        // Same schema: every index, constraint (validated) and trigger (enabled) is back as the migrations made it.
        AssertSameRows("schema", await SchemaAsync(ef.ConnectionString), await SchemaAsync(bulk.ConnectionString));

        // The app goes on: a new request gets the next ids (sequences moved past the loaded ones), and the triggers keep the
        // summaries equal to a recomputation from scratch.
        var before = await SummariesAsync(bulk.ConnectionString);
        var lastHistoryId = await ScalarAsync<long>(bulk.ConnectionString, """SELECT max("Id") FROM "StatusChanges" """);
        var receipt = await bulk.ReportAsync();
        await using (var db = bulk.Db())
        {
            var request = await db.Requests.AsNoTracking().Include(r => r.History).SingleAsync(r => r.Number == receipt.Number);
            Assert.Equal(Requests + 1, request.Id);
            Assert.Equal(lastHistoryId + 1, Assert.Single(request.History).Id);
        }
        var after = await SummariesAsync(bulk.ConnectionString);
        Assert.NotEqual(before["KpiDays"], after["KpiDays"]);
        Assert.NotEqual(before["OpenRequestCells"], after["OpenRequestCells"]);
        foreach (var (table, rows) in await SummariesRecomputedAsync(bulk.ConnectionString)) AssertSameRows(table, rows, after[table]);
    }

    private sealed class City(ServiceProvider services, string connectionString) : IAsyncDisposable
    {
        public string ConnectionString => connectionString;

        public CstDbContext Db() => services.GetRequiredService<IDbContextFactory<CstDbContext>>().CreateDbContext();

        public async Task<SubmitReceipt> ReportAsync()
        {
            await using var scope = services.CreateAsyncScope();
            var user = await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>()
                .FindByEmailAsync(DemoCityPlan.Users.Single(u => u.Role == Roles.Citizen).Email);
            var requests = scope.ServiceProvider.GetRequiredService<RequestService>();
            var pothole = (await requests.CategoriesAsync()).Single(c => c.Name == "Pothole");
            var result = await requests.SubmitAsync(new SubmitInput(pothole.Id, "Deep pothole by the bakery", Scenario.CityCentre.Lat, Scenario.CityCentre.Lng,
                "12 Market Square", new Dictionary<string, string> { ["size"] = "medium" }), new Actor(user!.Id, user.DisplayName, new HashSet<string> { Roles.Citizen }));
            Assert.True(result.Succeeded, result.Error);
            return result.Value!;
        }

        public async ValueTask DisposeAsync()
        {
            await services.DisposeAsync();
            NpgsqlConnection.ClearAllPools();
            await PostgresTestServer.ExecuteAsync($"""DROP DATABASE IF EXISTS "{new NpgsqlConnectionStringBuilder(connectionString).Database}" WITH (FORCE)""");
        }
    }

    /// <summary>A new database, migrated, seeded with the benchmark's shape (3 years, 10% backlog) through the seeder alone.</summary>
    private static async Task<City> SeededCityAsync(bool useBulkLoaders)
    {
        var connectionString = PostgresTestServer.ForDatabase(await PostgresTestServer.AdminConnectionStringAsync(), "cst_bulk_" + Guid.NewGuid().ToString("N"));
        var services = TestCity.BuildServices(TestCity.NewTempDirectory(), new FakeTimeProvider(TestCity.Now), DatabaseTarget.Postgres(connectionString));
        var city = new City(services, connectionString);
        await using (var db = city.Db()) await db.Database.MigrateAsync();
        await using var scope = services.CreateAsyncScope();
        var seeder = scope.ServiceProvider.GetRequiredService<DemoCitySeeder>();
        seeder.UseBulkLoaders = useBulkLoaders;
        Assert.True(await seeder.SeedAsync(Requests, seed: 7, historyDays: 1096, openShare: 0.10));
        return city;
    }

    /// <summary>Each compared table's rows as text, sorted, with users named by their email (their ids are new GUIDs in each city).</summary>
    private static async Task<Dictionary<string, List<string>>> ContentAsync(string connectionString)
    {
        var users = await RowsAsync(connectionString, """SELECT "Id" || ' ' || "Email" FROM "AspNetUsers" """);
        async Task<List<string>> Rows(string sql) =>
            [.. (await RowsAsync(connectionString, sql)).Select(row => users.Select(u => u.Split(' ')).Aggregate(row, (r, u) => r.Replace(u[0], u[1]))).Order(StringComparer.Ordinal)];
        var result = new Dictionary<string, List<string>>
        {
            ["ServiceRequests"] = await Rows("""SELECT to_jsonb(t)::text FROM "ServiceRequests" t"""),
            ["AuditEntries"] = await Rows("""SELECT to_jsonb(t)::text FROM "AuditEntries" t"""),
        };
        foreach (var table in Children) result[table] = await Rows($"""SELECT (to_jsonb(t) - 'Id')::text FROM "{table}" t""");
        foreach (var (table, rows) in await SummariesAsync(connectionString)) result[table] = rows;
        return result;
    }

    private static void AssertSameRows(string table, List<string> expected, List<string> actual)
    {
        if (expected.SequenceEqual(actual)) return;
        Assert.Fail($"{table}: {expected.Count} rows through EF Core, {actual.Count} bulk-loaded. Only through EF Core (first 5):\n" +
            string.Join("\n", expected.Except(actual).Take(5)) + "\nOnly bulk-loaded (first 5):\n" + string.Join("\n", actual.Except(expected).Take(5)));
    }

    private static string[] SummaryQueries =>
    [
        """SELECT to_jsonb(t)::text FROM "KpiDays" t""",
        """SELECT to_jsonb(t)::text FROM "KpiDurationBuckets" t""",
        // Sums of coordinates added up in another order differ in the last bits.
        """SELECT concat_ws(' ', "CategoryId", "GridCell", "Count", round("SumLatitude"::numeric, 6), round("SumLongitude"::numeric, 6), "PriorityWeight") FROM "OpenRequestCells" """,
    ];

    private static async Task<Dictionary<string, List<string>>> SummariesAsync(string connectionString, NpgsqlConnection? connection = null)
    {
        var result = new Dictionary<string, List<string>>();
        foreach (var (table, sql) in new[] { "KpiDays", "KpiDurationBuckets", "OpenRequestCells" }.Zip(SummaryQueries))
            result[table] = await RowsAsync(connectionString, sql, connection);
        return result;
    }

    /// <summary>The summaries as the loaders compute them from scratch, in a transaction rolled back afterwards.</summary>
    private static async Task<Dictionary<string, List<string>>> SummariesRecomputedAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var tx = await connection.BeginTransactionAsync();
        foreach (var sql in KpiSummarySql.Rebuild(postgres: true).Append(OpenRequestCellsSql.Backfill))
            await new NpgsqlCommand(sql, connection, tx).ExecuteNonQueryAsync();
        var result = await SummariesAsync(connectionString, connection);
        await tx.RollbackAsync();
        return result;
    }

    private static async Task<List<string>> SchemaAsync(string connectionString) => await RowsAsync(connectionString, """
        SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = current_schema()
        UNION ALL
        SELECT format('constraint %s %s %s validated=%s', conrelid::regclass, conname, pg_get_constraintdef(oid), convalidated)
        FROM pg_constraint WHERE connamespace = current_schema()::regnamespace
        UNION ALL
        SELECT format('trigger %s enabled=%s', pg_get_triggerdef(g.oid), g.tgenabled)
        FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid WHERE NOT g.tgisinternal AND c.relnamespace = current_schema()::regnamespace
        """);

    private static async Task<List<string>> RowsAsync(string connectionString, string sql, NpgsqlConnection? connection = null)
    {
        var own = connection is null ? new NpgsqlConnection(connectionString) : null;
        try
        {
            if (own is not null) await own.OpenAsync();
            await using var command = new NpgsqlCommand(sql, connection ?? own);
            var rows = new List<string>();
            await using (var reader = await command.ExecuteReaderAsync())
                while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
            rows.Sort(StringComparer.Ordinal);
            return rows;
        }
        finally
        {
            if (own is not null) await own.DisposeAsync();
        }
    }

    private static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
