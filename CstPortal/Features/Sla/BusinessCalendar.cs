namespace CstPortal.Features.Sla;

/// <summary>
/// The city's business calendar (one row): the time zone opening hours are read in, working days and
/// opening hours. Public holidays are rows of <see cref="PublicHoliday"/>. Admins edit it.
/// </summary>
public class BusinessCalendar
{
    public int Id { get; set; }
    /// <summary>IANA time zone id, e.g. "America/New_York".</summary>
    public string TimeZoneId { get; set; } = "America/New_York";
    /// <summary>Working days as a bit set: bit 0 = Sunday ... bit 6 = Saturday (Mon–Fri = 62).</summary>
    public int WorkingDaysMask { get; set; } = 62;
    public TimeOnly Opens { get; set; } = new(8, 0);
    public TimeOnly Closes { get; set; } = new(17, 0);

    public IReadOnlySet<DayOfWeek> WorkingDays =>
        Enum.GetValues<DayOfWeek>().Where(d => (WorkingDaysMask & (1 << (int)d)) != 0).ToHashSet();

    public static int MaskOf(IEnumerable<DayOfWeek> days) => days.Aggregate(0, (m, d) => m | (1 << (int)d));

    public WorkingCalendar ToWorkingCalendar(IEnumerable<DateOnly> holidays) =>
        new(TimeZoneInfo.FindSystemTimeZoneById(TimeZoneId), WorkingDays, Opens, Closes, holidays.ToHashSet());
}

/// <summary>A day the offices are closed (a local date in the calendar's time zone).</summary>
public class PublicHoliday
{
    public int Id { get; set; }
    public DateOnly Date { get; set; }
    public string Name { get; set; } = "";
}
