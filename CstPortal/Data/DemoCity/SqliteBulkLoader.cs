using System.Diagnostics;
using System.Globalization;
using CstPortal.Features.Requests;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace CstPortal.Data.DemoCity;

/// <summary>
/// The SQLite branch of the demo-city generator's writer: millions of generated requests (with their history,
/// answers, comments, notes, milestones, evidence and rating) through prepared INSERT commands, one transaction per
/// <see cref="RequestsPerTransaction"/> requests, with the secondary indexes of those tables dropped during the load
/// and rebuilt once after it. Columns, conversions and foreign keys come from the EF model (<see cref="BulkLoadPlan"/>,
/// shared with <see cref="PostgresBulkLoader"/>), so the loader follows schema changes. Only for filling an empty
/// database: it turns off foreign-key checks and fsync on its own connection.
/// </summary>
internal static class SqliteBulkLoader
{
    public const int RequestsPerTransaction = 25_000;

    /// <param name="progress">Told the count so far now and then, and the time split (generating, inserting, indexing) at the end.</param>
    /// <param name="extras">Rows of other tables that go with a request (e.g. its past SLA escalations), keys set.</param>
    public static async Task<int> LoadAsync(CstDbContext db, IEnumerable<ServiceRequest> requests, Func<ServiceRequest, IEnumerable<object>> extras,
        Action<string> progress, CancellationToken ct)
    {
        var generating = new Stopwatch();
        var inserting = new Stopwatch();
        var plan = new BulkLoadPlan(db.Model);
        var tables = plan.TableNames;

        var builder = new SqliteConnectionStringBuilder(db.Database.GetConnectionString()) { Pooling = false };
        await using var connection = new SqliteConnection(builder.ConnectionString);
        await connection.OpenAsync(ct);
        // Temporary storage stays on file (the default): rebuilding an index sorts all its rows, and at 10,000,000 requests
        // (60,000,000 status changes) an in-memory temp store would hold that whole sort in RAM. The sorter keeps what fits
        // in the cache in memory anyway, so small loads are no slower.
        await ExecuteAsync(connection, "PRAGMA foreign_keys=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-262144; PRAGMA temp_store=FILE;", ct);

        var indexes = await SecondaryIndexesAsync(connection, tables, ct);
        foreach (var (name, _) in indexes) await ExecuteAsync(connection, $"DROP INDEX \"{name}\";", ct);
        // The triggers that keep the summaries (KPI days, open cells) would do several upserts per row: off during the load,
        // the summaries computed once from what was loaded, then the triggers back.
        var triggers = await SchemaObjectsAsync(connection, "trigger", tables, ct);
        foreach (var (name, _) in triggers) await ExecuteAsync(connection, $"DROP TRIGGER \"{name}\";", ct);
        var count = 0;
        try
        {
            var inserters = plan.Tables.ToDictionary(t => t, t => new Inserter(connection, t));
            void Insert(BulkTable table, object row, int? parentId) => inserters[table].Insert(row, parentId);
            SqliteTransaction? tx = null;
            using var source = requests.GetEnumerator();
            while (true)
            {
                generating.Start();
                var more = source.MoveNext();
                generating.Stop();
                if (!more) break;
                var request = source.Current;
                inserting.Start();
                if (tx is null)
                {
                    tx = connection.BeginTransaction();
                    foreach (var inserter in inserters.Values) inserter.Enlist(tx);
                }
                plan.Rows(request, extras(request), Insert);
                if (++count % RequestsPerTransaction == 0)
                {
                    await tx.CommitAsync(ct);
                    await tx.DisposeAsync();
                    tx = null;
                    if (count % (RequestsPerTransaction * 4) == 0) progress(count.ToString("N0", CultureInfo.InvariantCulture) + " requests");
                }
                inserting.Stop();
            }
            if (tx is not null)
            {
                await tx.CommitAsync(ct);
                await tx.DisposeAsync();
            }
        }
        finally
        {
            // Rebuilt once, over sorted data: much cheaper than keeping every index up to date row by row.
            var indexing = Stopwatch.StartNew();
            foreach (var (_, sql) in indexes) await ExecuteAsync(connection, sql + ";", CancellationToken.None);
            foreach (var sql in KpiSummarySql.Rebuild(postgres: false).Append(OpenRequestCellsSql.Backfill))
                await ExecuteAsync(connection, sql, CancellationToken.None);
            foreach (var (_, sql) in triggers) await ExecuteAsync(connection, sql + ";", CancellationToken.None);
            progress(string.Create(CultureInfo.InvariantCulture,
                $"{count:N0} requests: generating {generating.Elapsed.TotalSeconds:0.0} s, inserting {inserting.Elapsed.TotalSeconds:0.0} s, indexing {indexing.Elapsed.TotalSeconds:0.0} s"));
        }
        return count;
    }

    private static Task<List<(string Name, string Sql)>> SecondaryIndexesAsync(SqliteConnection connection, IReadOnlyList<string> tables, CancellationToken ct) =>
        SchemaObjectsAsync(connection, "index", tables, ct);

    private static async Task<List<(string Name, string Sql)>> SchemaObjectsAsync(SqliteConnection connection, string type, IReadOnlyList<string> tables, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Parameters.AddWithValue("$type", type);
        var names = tables.Select((t, i) => { command.Parameters.AddWithValue($"$t{i}", t); return $"$t{i}"; });
        command.CommandText = $"SELECT name, sql FROM sqlite_master WHERE type = $type AND sql IS NOT NULL AND tbl_name IN ({string.Join(", ", names)}) ORDER BY name";
        var result = new List<(string, string)>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) result.Add((reader.GetString(0), reader.GetString(1)));
        return result;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>One prepared INSERT for one table of the plan; the parent's key fills the foreign key of a child row.</summary>
    private sealed class Inserter
    {
        private readonly BulkTable _table;
        private readonly SqliteCommand _command;
        private readonly SqliteParameter[] _parameters;
        private readonly object?[] _values;

        public Inserter(SqliteConnection connection, BulkTable table)
        {
            _table = table;
            _command = connection.CreateCommand();
            _parameters = [.. table.Columns.Select((_, i) =>
            {
                var parameter = _command.CreateParameter();
                parameter.ParameterName = "$p" + i.ToString(CultureInfo.InvariantCulture);
                _command.Parameters.Add(parameter);
                return parameter;
            })];
            _values = new object?[table.Columns.Count];
            _command.CommandText = $"INSERT INTO \"{table.Name}\" ({string.Join(", ", table.Columns.Select(c => $"\"{c.Name}\""))}) " +
                $"VALUES ({string.Join(", ", _parameters.Select(p => p.ParameterName))})";
        }

        public void Enlist(SqliteTransaction tx)
        {
            _command.Transaction = tx;
            _command.Prepare();
        }

        public void Insert(object entity, int? parentId)
        {
            _table.Read(entity, parentId, _values);
            for (var i = 0; i < _values.Length; i++) _parameters[i].Value = _values[i] ?? DBNull.Value;
            _command.ExecuteNonQuery();
        }
    }
}
