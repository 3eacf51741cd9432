using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace CstPortal.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL server for the cluster tests: the one named by CST_TEST_POSTGRES (a connection string to a server
/// whose user may create databases), else a throwaway cluster started once per test run from Debian's
/// PostgreSQL 15 (initdb in a temp folder, loopback only, a free port) and stopped when the run ends.
/// Each test asks for a database of its own.
/// </summary>
public static class ThrowawayPostgres
{
    private static readonly Lazy<Task<string>> Server = new(StartAsync);

    /// <summary>A new empty database; returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync()
    {
        var server = await Server.Value;
        var name = "cst_test_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    private static async Task<string> StartAsync()
    {
        if (Environment.GetEnvironmentVariable("CST_TEST_POSTGRES") is { Length: > 0 } given) return given;
        var bin = Directory.Exists("/usr/lib/postgresql") 
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb"))).OrderDescending().FirstOrDefault()
            : null;
        if (bin is null)
            throw new InvalidOperationException("The cluster tests need PostgreSQL: install Debian's postgresql-15 (scripts/install-cluster-deps.sh) or set CST_TEST_POSTGRES.");
        var dir = Path.Combine(Path.GetTempPath(), "cst-tests-pg-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        var asRoot = Environment.UserName == "root"; // PostgreSQL refuses to run as root: run it as the postgres user
        if (asRoot) await RunAsync("chown", ["postgres", dir]);
        var port = FreePort();
        await RunPostgresAsync(asRoot, Path.Combine(bin, "initdb"), ["-D", Path.Combine(dir, "data"), "-U", "postgres", "--auth=trust", "-E", "UTF8"]);
        await RunPostgresAsync(asRoot, Path.Combine(bin, "pg_ctl"), ["-D", Path.Combine(dir, "data"), "-l", Path.Combine(dir, "log"), "-w", "start",
            "-o", $"-p {port} -c listen_addresses=127.0.0.1 -k {dir} -c max_connections=300 -c fsync=off"]);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                RunPostgresAsync(asRoot, Path.Combine(bin, "pg_ctl"), ["-D", Path.Combine(dir, "data"), "-m", "immediate", "stop"]).GetAwaiter().GetResult();
                Directory.Delete(dir, recursive: true);
            }
            catch (Exception) { /* the temp folder is cleaned later */ }
        };
        return $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Include Error Detail=true";
    }

    private static Task RunPostgresAsync(bool asRoot, string program, string[] args) =>
        asRoot ? RunAsync("runuser", ["-u", "postgres", "--", program, .. args]) : RunAsync(program, args);

    private static async Task RunAsync(string program, string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetTempPath() };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} failed ({process.ExitCode}): {await error}{await output}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
