using CstPortal.Common;
using CstPortal.Data;
using CstPortal.Features.Audit;
using CstPortal.Features.Requests;
using CstPortal.Features.Workflow;
using Microsoft.EntityFrameworkCore;

namespace CstPortal.Features.Sla;

public sealed record CalendarView(string TimeZoneId, IReadOnlyList<DayOfWeek> WorkingDays, TimeOnly Opens, TimeOnly Closes, IReadOnlyList<HolidayView> Holidays);
public sealed record HolidayView(int Id, DateOnly Date, string Name);
public sealed record CalendarInput(string TimeZoneId, IReadOnlyCollection<DayOfWeek> WorkingDays, TimeOnly Opens, TimeOnly Closes);

public sealed record RuleView(int Id, int Level, string Name, EscalationTrigger Trigger, double HoursAfterTrigger, bool NotifyAssignedAgent,
    bool NotifySupervisor, bool NotifyManagers, bool RaisePriority, bool MoveToSupervisorQueue, bool IsActive);

public sealed record PolicyView(int Id, string Category, Priority Priority, double ResponseHours, double ResolutionHours, bool UseWorkingHours);

public sealed record EscalatedRequest(string Number, string Category, Priority Priority, RequestStatus Status, DateTime? ResolutionDueAt, DateTime CreatedAt, DateTime EscalatedAt);

/// <summary>What admins edit about SLAs: the business calendar, holidays, escalation levels and policies.</summary>
public sealed class SlaAdminService(IDbContextFactory<CstDbContext> dbFactory, TimeProvider clock)
{
    private const string AdminsOnly = "Only administrators can change SLA settings.";

    public async Task<CalendarView> CalendarAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var c = await db.BusinessCalendars.AsNoTracking().OrderBy(x => x.Id).FirstOrDefaultAsync(ct) ?? new BusinessCalendar();
        var holidays = await db.PublicHolidays.AsNoTracking().OrderBy(h => h.Date).Select(h => new HolidayView(h.Id, h.Date, h.Name)).ToListAsync(ct);
        return new CalendarView(c.TimeZoneId, [.. c.WorkingDays.OrderBy(d => ((int)d + 6) % 7)], c.Opens, c.Closes, holidays);
    }

    public async Task<Result> SaveCalendarAsync(CalendarInput input, Actor actor, CancellationToken ct = default)
    {
        if (!actor.IsIn(Roles.Admin)) return Result.Fail(Texts.Get(AdminsOnly));
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(input.TimeZoneId?.Trim() ?? "", out _))
            return Result.Fail(Texts.Get("\"{0}\" is not a time zone this server knows. Use an IANA id such as America/New_York.", input.TimeZoneId));
        if (input.WorkingDays.Count == 0) return Result.Fail(Texts.Get("Choose at least one working day."));
        if (input.Closes <= input.Opens) return Result.Fail(Texts.Get("Closing time must be after opening time."));
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var c = await db.BusinessCalendars.OrderBy(x => x.Id).FirstOrDefaultAsync(ct);
        if (c is null) db.BusinessCalendars.Add(c = new BusinessCalendar());
        c.TimeZoneId = input.TimeZoneId!.Trim();
        c.WorkingDaysMask = BusinessCalendar.MaskOf(input.WorkingDays);
        c.Opens = input.Opens;
        c.Closes = input.Closes;
        await AuditLog.AppendAsync(db, actor.Info, "sla.calendar.save", "BusinessCalendar", "1",
            new { c.TimeZoneId, days = input.WorkingDays.Select(d => d.ToString()), opens = c.Opens.ToString("HH:mm"), closes = c.Closes.ToString("HH:mm") }, now, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return Result.Ok();
    }

    public async Task<Result> AddHolidayAsync(DateOnly date, string name, Actor actor, CancellationToken ct = default)
    {
        if (!actor.IsIn(Roles.Admin)) return Result.Fail(Texts.Get(AdminsOnly));
        if (string.IsNullOrWhiteSpace(name)) return Result.Fail(Texts.Get("Give the holiday a name."));
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await db.PublicHolidays.AnyAsync(h => h.Date == date, ct)) return Result.Fail(Texts.Get("{0:yyyy-MM-dd} is already a holiday.", date));
        db.PublicHolidays.Add(new PublicHoliday { Date = date, Name = name.Trim() });
        await AuditLog.AppendAsync(db, actor.Info, "sla.holiday.add", "PublicHoliday", date.ToString("yyyy-MM-dd"), new { name }, now, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return Result.Ok();
    }

    public async Task<Result> RemoveHolidayAsync(int id, Actor actor, CancellationToken ct = default)
    {
        if (!actor.IsIn(Roles.Admin)) return Result.Fail(Texts.Get(AdminsOnly));
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var holiday = await db.PublicHolidays.SingleOrDefaultAsync(h => h.Id == id, ct);
        if (holiday is null) return Result.Fail(Texts.Get("That holiday was already removed."));
        db.PublicHolidays.Remove(holiday);
        await AuditLog.AppendAsync(db, actor.Info, "sla.holiday.remove", "PublicHoliday", holiday.Date.ToString("yyyy-MM-dd"), new { holiday.Name }, now, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return Result.Ok();
    }

    public async Task<IReadOnlyList<RuleView>> RulesAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.EscalationRules.AsNoTracking().OrderBy(r => r.Level)
            .Select(r => new RuleView(r.Id, r.Level, r.Name, r.Trigger, r.HoursAfterTrigger, r.NotifyAssignedAgent, r.NotifySupervisor,
                r.NotifyManagers, r.RaisePriority, r.MoveToSupervisorQueue, r.IsActive)).ToListAsync(ct);
    }

    /// <summary>Adds a level (Id 0) or changes one. A level's number is its identity in what already fired, so it cannot change.</summary>
    public async Task<Result> SaveRuleAsync(RuleView input, Actor actor, CancellationToken ct = default)
    {
        if (!actor.IsIn(Roles.Admin)) return Result.Fail(Texts.Get(AdminsOnly));
        if (string.IsNullOrWhiteSpace(input.Name)) return Result.Fail(Texts.Get("Give the level a name."));
        if (input.Level < 1) return Result.Fail(Texts.Get("Levels are numbered from 1."));
        if (input.HoursAfterTrigger is < 0 or > 24 * 365) return Result.Fail(Texts.Get("Hours after the trigger must be between 0 and 8,760."));
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        EscalationRule? rule;
        if (input.Id == 0)
        {
            if (await db.EscalationRules.AnyAsync(r => r.Level == input.Level, ct)) return Result.Fail(Texts.Get("Level {0} exists already; choose another number.", input.Level));
            db.EscalationRules.Add(rule = new EscalationRule { Level = input.Level });
        }
        else
        {
            rule = await db.EscalationRules.SingleOrDefaultAsync(r => r.Id == input.Id, ct);
            if (rule is null) return Result.Fail(Texts.Get("That level was removed meanwhile. Reload the page."));
        }
        rule.Name = input.Name.Trim();
        rule.Trigger = input.Trigger;
        rule.HoursAfterTrigger = input.HoursAfterTrigger;
        rule.NotifyAssignedAgent = input.NotifyAssignedAgent;
        rule.NotifySupervisor = input.NotifySupervisor;
        rule.NotifyManagers = input.NotifyManagers;
        rule.RaisePriority = input.RaisePriority;
        rule.MoveToSupervisorQueue = input.MoveToSupervisorQueue;
        rule.IsActive = input.IsActive;
        await AuditLog.AppendAsync(db, actor.Info, "sla.rule.save", "EscalationRule", rule.Level.ToString(), input with { Id = rule.Id }, now, ct);
        await db.SaveChangesAsync(ct);
        // A level's timing or activity changed for every open request: the next sweep reschedules them all (EscalationSchedule).
        var open = RequestStatusExtensions.OpenStatuses;
        await db.Requests.Where(r => open.Contains(r.Status))
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.NextEscalationAt, EscalationSchedule.LookNow), ct);
        await tx.CommitAsync(ct);
        return Result.Ok();
    }

    public async Task<IReadOnlyList<PolicyView>> PoliciesAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await (from p in db.SlaPolicies.AsNoTracking()
                      join c in db.Categories.AsNoTracking() on p.CategoryId equals c.Id
                      orderby c.Name, p.Priority
                      select new PolicyView(p.Id, c.Name, p.Priority, p.ResponseHours, p.ResolutionHours, p.UseWorkingHours)).ToListAsync(ct);
    }

    /// <summary>
    /// Changes a policy's targets; requests already submitted keep their due times until triage recomputes them (so
    /// their next escalation stays as it is; the same holds for calendar and holiday edits).
    /// </summary>
    public async Task<Result> SavePolicyAsync(int id, double responseHours, double resolutionHours, bool useWorkingHours, Actor actor, CancellationToken ct = default)
    {
        if (!actor.IsIn(Roles.Admin)) return Result.Fail(Texts.Get(AdminsOnly));
        if (responseHours <= 0 || resolutionHours <= 0) return Result.Fail(Texts.Get("Targets must be more than 0 hours."));
        if (resolutionHours < responseHours) return Result.Fail(Texts.Get("The resolution target cannot be shorter than the response target."));
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var policy = await db.SlaPolicies.SingleOrDefaultAsync(p => p.Id == id, ct);
        if (policy is null) return Result.Fail(Texts.Get("That policy no longer exists. Reload the page."));
        policy.ResponseHours = responseHours;
        policy.ResolutionHours = resolutionHours;
        policy.UseWorkingHours = useWorkingHours;
        await AuditLog.AppendAsync(db, actor.Info, "sla.policy.save", "SlaPolicy", id.ToString(), new { responseHours, resolutionHours, useWorkingHours }, now, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return Result.Ok();
    }
}
