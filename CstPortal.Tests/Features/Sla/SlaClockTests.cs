using CstPortal.Features.Sla;

namespace CstPortal.Tests.Features.Sla;

/// <summary>Working-hours maths with fixed dates: New York office hours Mon–Fri 08:00–17:00 unless a test says otherwise.</summary>
public class SlaClockTests
{
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    private static WorkingCalendar Office(TimeZoneInfo? zone = null, params string[] holidays) =>
        WorkingCalendar.OfficeHours(zone ?? NewYork) with { Holidays = holidays.Select(DateOnly.Parse).ToHashSet() };

    private static DateTime Utc(string s) => DateTime.SpecifyKind(DateTime.Parse(s, System.Globalization.CultureInfo.InvariantCulture), DateTimeKind.Utc);

    [Theory]
    // Monday 10:00 EST + 3 h = 13:00 EST, same day.
    [InlineData("2026-11-02T15:00:00", 3, "2026-11-02T18:00:00")]
    // Ending exactly at closing time stays that day, not the next morning.
    [InlineData("2026-11-02T15:00:00", 7, "2026-11-02T22:00:00")]
    // Friday 15:00 EST + 4 h: two hours Friday, two on Monday, 10:00 EST.
    [InlineData("2026-11-06T20:00:00", 4, "2026-11-09T15:00:00")]
    // Before opening: Tuesday 06:00 EST + 1 h = 09:00 EST.
    [InlineData("2026-11-03T11:00:00", 1, "2026-11-03T14:00:00")]
    // After closing: Wednesday 18:00 EST + 1 h = Thursday 09:00 EST.
    [InlineData("2026-11-04T23:00:00", 1, "2026-11-05T14:00:00")]
    // Saturday noon + 9 h = a full Monday, 17:00 EST.
    [InlineData("2026-11-07T12:00:00", 9, "2026-11-09T22:00:00")]
    // Zero hours at the weekend: the next working moment.
    [InlineData("2026-11-07T12:00:00", 0, "2026-11-09T13:00:00")]
    // Three working days (27 h) from Monday 08:00 EST = Wednesday 17:00 EST.
    [InlineData("2026-11-02T13:00:00", 27, "2026-11-04T22:00:00")]
    public void Working_hours_count_only_opening_hours_on_working_days(string start, double hours, string expected) =>
        Assert.Equal(Utc(expected), SlaClock.AddWorkingHours(Utc(start), hours, Office()));

    [Fact]
    public void A_public_holiday_is_skipped()
    {
        // Wednesday before Thanksgiving 16:00 EST + 3 h: one hour Wednesday, Thursday is a holiday, two hours Friday → 10:00 EST.
        var due = SlaClock.AddWorkingHours(Utc("2026-11-25T21:00:00"), 3, Office(null, "2026-11-26"));
        Assert.Equal(Utc("2026-11-27T15:00:00"), due);
        // Without the holiday it is Thursday 10:00.
        Assert.Equal(Utc("2026-11-26T15:00:00"), SlaClock.AddWorkingHours(Utc("2026-11-25T21:00:00"), 3, Office()));
    }

    [Fact]
    public void Holidays_are_local_dates_of_the_calendar_time_zone()
    {
        // 2026-11-27 02:00 UTC is still Thursday 26th (21:00 EST): a Thanksgiving start counts from Friday 08:00 EST.
        var due = SlaClock.AddWorkingHours(Utc("2026-11-27T02:00:00"), 1, Office(null, "2026-11-26"));
        Assert.Equal(Utc("2026-11-27T14:00:00"), due);
    }

    [Fact]
    public void Spring_forward_moves_the_utc_window_not_the_length_of_the_day()
    {
        // Friday 6 March 16:00 EST (UTC-5) + 2 h: one hour Friday; DST starts Sunday 8 March; Monday 09:00 EDT (UTC-4) = 13:00 UTC.
        Assert.Equal(Utc("2026-03-09T13:00:00"), SlaClock.AddWorkingHours(Utc("2026-03-06T21:00:00"), 2, Office()));
        // Monday 9 March is a full nine-hour day in EDT: 08:00–17:00 EDT = 12:00–21:00 UTC.
        Assert.Equal(Utc("2026-03-09T21:00:00"), SlaClock.AddWorkingHours(Utc("2026-03-09T12:00:00"), 9, Office()));
    }

    [Fact]
    public void Fall_back_moves_the_window_back_an_hour()
    {
        // Friday 30 October 16:00 EDT (20:00 UTC) + 2 h: DST ends Sunday 1 November; Monday 09:00 EST = 14:00 UTC.
        Assert.Equal(Utc("2026-11-02T14:00:00"), SlaClock.AddWorkingHours(Utc("2026-10-30T20:00:00"), 2, Office()));
    }

    [Fact]
    public void An_opening_time_skipped_by_the_dst_jump_starts_at_the_first_valid_minute()
    {
        // A 7-day service that opens at 02:30: on 8 March 2026 02:30 does not exist in New York; it opens at 03:00 EDT (07:00 UTC).
        var allWeek = new WorkingCalendar(NewYork, Enum.GetValues<DayOfWeek>().ToHashSet(), new TimeOnly(2, 30), new TimeOnly(6, 0), new HashSet<DateOnly>());
        Assert.Equal(Utc("2026-03-08T08:00:00"), SlaClock.AddWorkingHours(Utc("2026-03-08T05:00:00"), 1, allWeek));
    }

    [Fact]
    public void The_same_instant_gives_different_due_times_in_different_time_zones()
    {
        var start = Utc("2026-11-02T15:00:00"); // 10:00 in New York, 16:00 in Berlin
        Assert.Equal(Utc("2026-11-02T17:00:00"), SlaClock.AddWorkingHours(start, 2, Office(NewYork)));
        Assert.Equal(Utc("2026-11-03T08:00:00"), SlaClock.AddWorkingHours(start, 2, Office(Berlin))); // 1 h Monday, Tuesday 09:00 CET
    }

    [Fact]
    public void Calendar_hours_are_elapsed_time_even_across_a_dst_change()
    {
        var due = SlaClock.Compute(Utc("2026-03-07T12:00:00"), 24, 48, workingHours: false, Office());
        Assert.Equal(Utc("2026-03-08T12:00:00"), due.ResponseDueAt);
        Assert.Equal(Utc("2026-03-09T12:00:00"), due.ResolutionDueAt);
    }

    [Fact]
    public void A_working_hours_policy_without_a_calendar_falls_back_to_calendar_hours()
    {
        var due = SlaClock.Compute(Utc("2026-11-07T12:00:00"), 2, 10, workingHours: true, calendar: null);
        Assert.Equal(Utc("2026-11-07T14:00:00"), due.ResponseDueAt);
        var working = SlaClock.Compute(Utc("2026-11-07T12:00:00"), 2, 10, workingHours: true, Office());
        Assert.Equal(Utc("2026-11-09T15:00:00"), working.ResponseDueAt);
        Assert.Equal(Utc("2026-11-10T14:00:00"), working.ResolutionDueAt);
    }

    [Fact]
    public void A_calendar_with_no_working_time_is_refused()
    {
        var closed = Office() with { WorkingDays = new HashSet<DayOfWeek>() };
        Assert.Throws<ArgumentException>(() => SlaClock.AddWorkingHours(Utc("2026-11-02T15:00:00"), 1, closed));
    }

    [Theory]
    [InlineData(0, SlaClock.DueState.OnTrack)]
    [InlineData(7.9, SlaClock.DueState.OnTrack)]
    [InlineData(8, SlaClock.DueState.AtRisk)]
    [InlineData(10, SlaClock.DueState.AtRisk)]
    [InlineData(10.01, SlaClock.DueState.Breached)]
    public void A_target_is_at_risk_from_80_percent_and_breached_after_the_due_time(double hoursIn, SlaClock.DueState expected)
    {
        var start = Utc("2026-11-02T08:00:00");
        Assert.Equal(expected, SlaClock.State(start, start.AddHours(10), null, start.AddHours(hoursIn)));
    }

    [Fact]
    public void A_done_target_is_met_or_missed()
    {
        var start = Utc("2026-11-02T08:00:00");
        Assert.Equal(SlaClock.DueState.Met, SlaClock.State(start, start.AddHours(10), start.AddHours(10), start.AddHours(50)));
        Assert.Equal(SlaClock.DueState.Missed, SlaClock.State(start, start.AddHours(10), start.AddHours(11), start.AddHours(50)));
    }

    [Fact]
    public void Due_levels_come_in_order_and_all_at_once_after_downtime()
    {
        var rules = EscalationRule.Defaults();
        var created = Utc("2026-11-02T08:00:00");
        var due = created.AddHours(10);
        Assert.Empty(SlaSweep.DueLevels(created, due, rules, created.AddHours(7)));
        Assert.Equal([1], SlaSweep.DueLevels(created, due, rules, created.AddHours(8)));
        Assert.Equal([0, 1, 2], SlaSweep.DueLevels(created, due, rules, due.AddMinutes(1)));
        Assert.Equal([0, 1, 2], SlaSweep.DueLevels(created, due, rules, due.AddHours(23.9)));
        Assert.Equal([0, 1, 2, 3], SlaSweep.DueLevels(created, due, rules, due.AddHours(24)));
    }
}
