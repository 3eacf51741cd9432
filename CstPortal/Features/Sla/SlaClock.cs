namespace CstPortal.Features.Sla;

/// <summary>Due times and their state for display. Pure: the caller passes the time.</summary>
public static class SlaClock
{
    public sealed record DueTimes(DateTime ResponseDueAt, DateTime ResolutionDueAt);

    /// <summary>Calendar-hour targets counted from when the request was submitted.</summary>
    public static DueTimes Compute(DateTime submittedAt, double responseHours, double resolutionHours) =>
        new(submittedAt.AddHours(responseHours), submittedAt.AddHours(resolutionHours));

    public enum DueState { None, OnTrack, AtRisk, Breached, Met, Missed }

    /// <summary>
    /// How a target stands: met or missed once done; otherwise breached past the due time,
    /// at risk when 80% of the allowed time is used, on track before that.
    /// </summary>
    public static DueState State(DateTime startedAt, DateTime? dueAt, DateTime? doneAt, DateTime now)
    {
        if (dueAt is not { } due) return DueState.None;
        if (doneAt is { } done) return done <= due ? DueState.Met : DueState.Missed;
        if (now > due) return DueState.Breached;
        var allowed = due - startedAt;
        return allowed > TimeSpan.Zero && (now - startedAt) >= allowed * 0.8 ? DueState.AtRisk : DueState.OnTrack;
    }

    /// <summary>"due in 3 h", "2 d overdue": short, for lists and phones.</summary>
    public static string Relative(DateTime dueAt, DateTime now)
    {
        var delta = dueAt - now;
        var span = delta.Duration();
        var text = span.TotalMinutes < 60 ? $"{Math.Max(1, (int)span.TotalMinutes)} min"
            : span.TotalHours < 48 ? $"{(int)span.TotalHours} h"
            : $"{(int)span.TotalDays} d";
        return delta >= TimeSpan.Zero ? $"due in {text}" : $"{text} overdue";
    }
}
