namespace CstPortal.Features.Sla;

/// <summary>
/// A business calendar as the clock needs it: the time zone the opening hours are read in, the working
/// days, the opening hours of each working day and the public holidays (local dates). Pure data.
/// </summary>
public sealed record WorkingCalendar(TimeZoneInfo Zone, IReadOnlySet<DayOfWeek> WorkingDays, TimeOnly Opens, TimeOnly Closes, IReadOnlySet<DateOnly> Holidays)
{
    /// <summary>Mon–Fri 08:00–17:00 in the given zone, no holidays.</summary>
    public static WorkingCalendar OfficeHours(TimeZoneInfo zone) => new(zone,
        new HashSet<DayOfWeek> { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday },
        new TimeOnly(8, 0), new TimeOnly(17, 0), new HashSet<DateOnly>());

    public bool IsWorkingDay(DateOnly day) => WorkingDays.Contains(day.DayOfWeek) && !Holidays.Contains(day);

    /// <summary>True when the calendar has at least one working moment in a week.</summary>
    public bool IsUsable => WorkingDays.Count > 0 && Closes > Opens;
}

/// <summary>Due times and their state for display. Pure: the caller passes the time.</summary>
public static class SlaClock
{
    public sealed record DueTimes(DateTime ResponseDueAt, DateTime ResolutionDueAt);

    /// <summary>Calendar-hour targets counted from when the request was submitted.</summary>
    public static DueTimes Compute(DateTime submittedAt, double responseHours, double resolutionHours) =>
        new(submittedAt.AddHours(responseHours), submittedAt.AddHours(resolutionHours));

    /// <summary>
    /// Targets counted in working hours of <paramref name="calendar"/> when <paramref name="workingHours"/> is set,
    /// else in calendar hours (elapsed time, so a DST change neither adds nor removes an hour).
    /// </summary>
    public static DueTimes Compute(DateTime submittedAt, double responseHours, double resolutionHours, bool workingHours, WorkingCalendar? calendar) =>
        workingHours && calendar is { IsUsable: true }
            ? new(AddWorkingHours(submittedAt, responseHours, calendar), AddWorkingHours(submittedAt, resolutionHours, calendar))
            : Compute(submittedAt, responseHours, resolutionHours);

    /// <summary>
    /// The UTC instant when <paramref name="hours"/> working hours have passed after <paramref name="startUtc"/>:
    /// only time inside opening hours on working days that are not holidays counts. Each day's opening hours
    /// are converted with that day's offset, so DST changes move the UTC window, not the length of the day.
    /// </summary>
    public static DateTime AddWorkingHours(DateTime startUtc, double hours, WorkingCalendar calendar)
    {
        if (!calendar.IsUsable) throw new ArgumentException("The calendar has no working hours.", nameof(calendar));
        if (hours < 0) throw new ArgumentOutOfRangeException(nameof(hours));
        startUtc = DateTime.SpecifyKind(startUtc, DateTimeKind.Utc);
        var remaining = TimeSpan.FromHours(hours);
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(startUtc, calendar.Zone));
        // Ten years of days is far more than any target; a calendar whose every day is a holiday ends here.
        for (var i = 0; i < 3660; i++, day = day.AddDays(1))
        {
            if (!calendar.IsWorkingDay(day)) continue;
            var open = ToUtc(day, calendar.Opens, calendar.Zone);
            var close = ToUtc(day, calendar.Closes, calendar.Zone);
            var from = open > startUtc ? open : startUtc;
            if (from >= close) continue;
            if (remaining == TimeSpan.Zero) return from;
            var available = close - from;
            if (remaining <= available) return from + remaining;
            remaining -= available;
        }
        throw new InvalidOperationException("The calendar has no working day in the next ten years.");
    }

    /// <summary>A local wall-clock time on a day as UTC; a time skipped by a DST jump counts as the first valid minute after it.</summary>
    private static DateTime ToUtc(DateOnly day, TimeOnly time, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(time, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local)) local = local.AddMinutes(1);
        return TimeZoneInfo.ConvertTimeToUtc(local, zone);
    }

    public enum DueState { None, OnTrack, AtRisk, Breached, Met, Missed }

    /// <summary>Share of the allowed time after which an open target counts as at risk.</summary>
    public const double AtRiskShare = 0.8;

    /// <summary>
    /// How a target stands: met or missed once done; otherwise breached past the due time,
    /// at risk when 80% of the allowed time is used, on track before that.
    /// </summary>
    public static DueState State(DateTime startedAt, DateTime? dueAt, DateTime? doneAt, DateTime now)
    {
        if (dueAt is not { } due) return DueState.None;
        if (doneAt is { } done) return done <= due ? DueState.Met : DueState.Missed;
        if (now > due) return DueState.Breached;
        return now >= AtRiskAt(startedAt, due) ? DueState.AtRisk : DueState.OnTrack;
    }

    /// <summary>When 80% of the time between start and due has passed.</summary>
    public static DateTime AtRiskAt(DateTime startedAt, DateTime dueAt)
    {
        var allowed = dueAt - startedAt;
        return allowed > TimeSpan.Zero ? startedAt + allowed * AtRiskShare : dueAt;
    }

    /// <summary>"due in 3 h", "2 d overdue": short, for lists and phones.</summary>
    public static string Relative(DateTime dueAt, DateTime now)
    {
        var delta = dueAt - now;
        var span = delta.Duration();
        var text = span.TotalMinutes < 60 ? Common.Texts.Get("{0} min", Math.Max(1, (int)span.TotalMinutes))
            : span.TotalHours < 48 ? Common.Texts.Get("{0} h", (int)span.TotalHours)
            : Common.Texts.Get("{0} d", (int)span.TotalDays);
        return delta >= TimeSpan.Zero ? Common.Texts.Get("due in {0}", text) : Common.Texts.Get("{0} overdue", text);
    }
}
