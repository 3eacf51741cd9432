namespace CstPortal.Common;

/// <summary>The "Cst" section of appsettings.json.</summary>
public sealed class CstOptions
{
    public const string Section = "Cst";

    /// <summary>Database file, evidence files and mail pickup live here; relative to the content root.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>Seed the demo city when the database is empty.</summary>
    public bool SeedDemoCity { get; set; } = true;

    /// <summary>How many historical requests the demo city gets.</summary>
    public int DemoRequestCount { get; set; } = 2000;

    /// <summary>Seed of the demo city's random generator: the same seed makes the same city.</summary>
    public int DemoSeed { get; set; } = 20261124;

    /// <summary>How many days back the demo city's history reaches (the benchmark uses about 3 years).</summary>
    public int DemoHistoryDays { get; set; } = 90;

    /// <summary>
    /// Share of demo requests left open as a backlog (0..1), on top of the recent ones still in progress;
    /// null leaves only the natural share (the small demo city).
    /// </summary>
    public double? DemoOpenShare { get; set; }

    /// <summary>Resolved requests close by themselves this many days after resolution, unless reopened.</summary>
    public int AutoCloseDays { get; set; } = 7;

    /// <summary>Sign-in form posts per client address per minute before 429 (see LoginRateLimit).</summary>
    public int LoginAttemptsPerMinute { get; set; } = 20;

    public string ResolveDataDirectory(string contentRoot) =>
        Path.GetFullPath(Path.IsPathRooted(DataDirectory) ? DataDirectory : Path.Combine(contentRoot, DataDirectory));
}
