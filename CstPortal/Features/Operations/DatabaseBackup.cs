using CstPortal.Common;
using CstPortal.Data;
using Microsoft.Data.Sqlite;

namespace CstPortal.Features.Operations;

/// <summary>
/// A consistent copy of a data directory while the app serves: the database through SQLite's online backup API
/// (pages copied under SQLite's own locking, so writers carry on and the copy is one point in time), then the
/// other folders (data-protection keys, evidence photos, mail) as files. Restore = point Cst:DataDirectory at the copy.
/// </summary>
public static class DatabaseBackup
{
    public const string DatabaseFile = "cstportal.db";

    public sealed record BackupReport(string TargetDirectory, long DatabaseBytes, int OtherFiles);

    public static BackupReport Backup(string dataDirectory, string targetDirectory)
    {
        var source = Path.Combine(dataDirectory, DatabaseFile);
        if (!File.Exists(source)) throw new FileNotFoundException("There is no database to back up here.", source);
        Directory.CreateDirectory(targetDirectory);
        var target = Path.Combine(targetDirectory, DatabaseFile);
        if (File.Exists(target)) throw new IOException($"{target} exists already: back up into a new, empty folder.");

        using (var from = new SqliteConnection(DatabaseSetup.SqliteConnectionString(dataDirectory)))
        using (var to = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = target, Pooling = false }.ToString()))
        {
            from.Open();
            to.Open();
            from.BackupDatabase(to);
        }

        var others = 0;
        foreach (var dir in Directory.EnumerateDirectories(dataDirectory))
            foreach (var file in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories))
            {
                var copy = Path.Combine(targetDirectory, Path.GetRelativePath(dataDirectory, file));
                Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
                File.Copy(file, copy);
                others++;
            }
        return new BackupReport(targetDirectory, new FileInfo(target).Length, others);
    }

    /// <summary>`dotnet run --project CstPortal -- backup &lt;target-dir&gt;`: backs up the configured data directory.</summary>
    public static int RunCommand(IConfiguration configuration, string contentRoot, string targetDirectory)
    {
        var options = configuration.GetSection(CstOptions.Section).Get<CstOptions>() ?? new CstOptions();
        var dataDirectory = options.ResolveDataDirectory(contentRoot);
        if (DatabaseTarget.FromConfiguration(configuration, dataDirectory).Provider == DatabaseProvider.PostgreSQL)
        {
            Console.Error.WriteLine("This backup copies a SQLite database. On PostgreSQL back up the database with pg_dump (or the server's own "
                + $"backups) and copy {dataDirectory} (keys, evidence, mail) as files.");
            return 1;
        }
        try
        {
            var report = Backup(dataDirectory, Path.GetFullPath(targetDirectory));
            Console.WriteLine($"Backed up {dataDirectory} to {report.TargetDirectory}: database {report.DatabaseBytes:N0} bytes, {report.OtherFiles} other files.");
            return 0;
        }
        catch (Exception ex) when (ex is IOException or SqliteException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"Backup failed: {ex.Message}");
            return 1;
        }
    }
}
