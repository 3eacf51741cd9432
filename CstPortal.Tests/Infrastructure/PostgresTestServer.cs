using System.Diagnostics;
using Npgsql;

namespace CstPortal.Tests.Infrastructure;

/// <summary>
/// The PostgreSQL server the PostgreSQL variants of the service tests use: the one named by CST_TEST_POSTGRES
/// (scripts/test.sh starts a throwaway cluster and sets it), or else a throwaway loopback cluster this test run starts
/// itself with scripts/postgres-cluster.sh and stops when the run ends. Without either, those tests fail and say why.
/// </summary>
public static class PostgresTestServer
{
    public const string Variable = "CST_TEST_POSTGRES";
    private static readonly Lazy<Task<string>> Admin = new(StartAsync);

    /// <summary>A connection string to the server's maintenance database, as a superuser.</summary>
    public static Task<string> AdminConnectionStringAsync() => Admin.Value;

    public static string ForDatabase(string adminConnectionString, string database) =>
        new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = database }.ConnectionString;

    public static async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(await AdminConnectionStringAsync());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<string> StartAsync()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } given) return given;
        var root = RepositoryRoot();
        var script = Path.Combine(root, "scripts", "postgres-cluster.sh");
        var hasServer = Directory.Exists("/usr/lib/postgresql") && Directory.EnumerateFiles("/usr/lib/postgresql", "initdb", SearchOption.AllDirectories).Any();
        if (!hasServer)
            throw new InvalidOperationException(
                $"The PostgreSQL variants of the service tests need a PostgreSQL server: run `bash scripts/test.sh` (it installs " +
                $"postgresql-15 and postgis, and starts a throwaway cluster), or set {Variable} to a superuser connection string.");
        var dir = Path.Combine(Path.GetTempPath(), "cst-tests-pg-" + Guid.NewGuid().ToString("N")[..12]);
        var (code, output, errors) = await RunAsync("bash", script, "start", dir);
        if (code != 0) throw new InvalidOperationException($"Could not start a throwaway PostgreSQL cluster with {script}: {errors}");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => RunAsync("bash", script, "stop", dir).GetAwaiter().GetResult();
        return output.Trim();
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "CstPortal.sln"))) return dir.FullName;
        throw new InvalidOperationException("The repository root (CstPortal.sln) is not above the test binaries.");
    }

    private static async Task<(int Code, string Output, string Errors)> RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }
}
