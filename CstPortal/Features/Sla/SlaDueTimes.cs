using CstPortal.Data;
using CstPortal.Features.Requests;
using Microsoft.EntityFrameworkCore;

namespace CstPortal.Features.Sla;

/// <summary>Reads the policy and business calendar inside a caller's unit of work and asks the pure clock for due times.</summary>
public static class SlaDueTimes
{
    public static async Task<SlaClock.DueTimes?> ForAsync(CstDbContext db, int categoryId, Priority priority, DateTime from, CancellationToken ct)
    {
        var policy = await db.SlaPolicies.AsNoTracking().SingleOrDefaultAsync(p => p.CategoryId == categoryId && p.Priority == priority, ct);
        if (policy is null) return null;
        var calendar = policy.UseWorkingHours ? await CalendarAsync(db, ct) : null;
        return Compute(policy, from, calendar);
    }

    /// <summary>
    /// The policies of some categories (every priority) and, if one of them counts working hours, the calendar: read once
    /// for a batch of submissions instead of once per request.
    /// </summary>
    public static async Task<Rules> RulesAsync(CstDbContext db, IReadOnlyCollection<int> categoryIds, CancellationToken ct)
    {
        var policies = await db.SlaPolicies.AsNoTracking().Where(p => categoryIds.Contains(p.CategoryId)).ToListAsync(ct);
        var calendar = policies.Any(p => p.UseWorkingHours) ? await CalendarAsync(db, ct) : null;
        return new Rules(policies.ToDictionary(p => (p.CategoryId, p.Priority)), calendar);
    }

    /// <summary>Due times from policies read beforehand (<see cref="RulesAsync"/>); null where a category and priority have no policy.</summary>
    public sealed class Rules(IReadOnlyDictionary<(int CategoryId, Priority Priority), SlaPolicy> policies, WorkingCalendar? calendar)
    {
        public SlaClock.DueTimes? For(int categoryId, Priority priority, DateTime from) =>
            policies.TryGetValue((categoryId, priority), out var policy) ? Compute(policy, from, calendar) : null;
    }

    private static SlaClock.DueTimes Compute(SlaPolicy policy, DateTime from, WorkingCalendar? calendar) =>
        SlaClock.Compute(from, policy.ResponseHours, policy.ResolutionHours, policy.UseWorkingHours, calendar);

    /// <summary>The city's working calendar, or null when none is set up (then every policy counts calendar hours).</summary>
    public static async Task<WorkingCalendar?> CalendarAsync(CstDbContext db, CancellationToken ct)
    {
        var calendar = await db.BusinessCalendars.AsNoTracking().OrderBy(c => c.Id).FirstOrDefaultAsync(ct);
        if (calendar is null) return null;
        var holidays = await db.PublicHolidays.AsNoTracking().Select(h => h.Date).ToListAsync(ct);
        return calendar.ToWorkingCalendar(holidays);
    }
}
