using System.Globalization;

namespace CstPortal.Benchmarks;

/// <summary>What the figures were measured on, and a process's peak memory, from /proc.</summary>
public static class Machine
{
    public static string Describe()
    {
        var cpu = ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        var memKb = ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal)) is { } m ? KbOf(m) : 0;
        return string.Create(CultureInfo.InvariantCulture,
            $"{Environment.ProcessorCount} cores (nproc), {memKb / 1024.0 / 1024.0:0.0} GiB memory, {cpu}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}");
    }

    /// <summary>VmHWM (peak resident set) of a process in MiB, or null when /proc does not say.</summary>
    public static double? PeakMemoryMiB(int pid) =>
        ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal)) is { } line ? KbOf(line) / 1024.0 : null;

    /// <summary>VmRSS (resident set now) of a process in MiB, or null when /proc does not say.</summary>
    public static double? ResidentMemoryMiB(int pid) =>
        ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal)) is { } line ? KbOf(line) / 1024.0 : null;

    private static long KbOf(string line) =>
        long.Parse(line.Split(':', 2)[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture);

    private static IEnumerable<string> ReadLines(string path)
    {
        try { return File.ReadAllLines(path); }
        catch (IOException) { return []; }
        catch (UnauthorizedAccessException) { return []; }
    }
}
