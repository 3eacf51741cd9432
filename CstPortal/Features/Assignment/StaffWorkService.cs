using CstPortal.Common;
using CstPortal.Data;
using CstPortal.Features.Audit;
using CstPortal.Features.Requests;
using CstPortal.Features.Workflow;
using Microsoft.EntityFrameworkCore;

namespace CstPortal.Features.Assignment;

/// <summary>One request on an agent's phone.</summary>
public sealed record WorkItem(
    string Number, long Version, RequestStatus Status, string CategoryName, Priority Priority, string? Address, string ZoneName,
    string Description, double Latitude, double Longitude, DateTime CreatedAt, DateTime? ResolutionDueAt, bool Arrived, bool Overdue);

/// <summary>A page of an agent's work: the most urgent requests and how many are open in all.</summary>
public sealed record WorkPage(IReadOnlyList<WorkItem> Items, int Total);

public enum FieldMilestone { Arrived, WorkStarted, Resolved }

/// <summary>A position the browser reported; untrusted until checked.</summary>
public sealed record Position(double Latitude, double Longitude)
{
    public static Position? Checked(double? lat, double? lng) =>
        lat is { } a && lng is { } b && double.IsFinite(a) && double.IsFinite(b) && a is >= -90 and <= 90 && b is >= -180 and <= 180
            ? new Position(a, b) : null;
}

public sealed record TeamMember(int AgentId, string Name, string TeamName, int Open, int Capacity, int Overdue, int MilestonesToday, bool IsActive,
    IReadOnlyList<WorkItem> Items);

/// <summary>
/// Field work and its supervision: an agent's requests by SLA urgency, one-tap milestones (with the browser's
/// position if given), internal notes, public replies, handing back; the supervisor's team view and reassignment.
/// </summary>
public sealed class StaffWorkService(IDbContextFactory<CstDbContext> dbFactory, WorkflowService workflow, RequestService requests,
    AuditService audit, TimeProvider clock)
{
    public async Task<int?> AgentIdAsync(Actor actor, CancellationToken ct = default) => await requests.AgentIdOfAsync(actor.UserId, ct);

    /// <summary>Cards the workbench shows at first, and adds per "show more": a phone shows a handful, not a backlog.</summary>
    public const int PageSize = 20;

    /// <summary>
    /// The agent's open requests, most urgent first (soonest due, overdue ones first; then priority, then oldest): the
    /// first <paramref name="take"/> of them, sorted and cut by the database, and the number open in all.
    /// </summary>
    public async Task<WorkPage> MyWorkAsync(Actor actor, int take = PageSize, CancellationToken ct = default)
    {
        var agentId = await requests.AgentIdOfAsync(actor.UserId, ct);
        if (agentId is null) return new WorkPage([], 0);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var total = await db.Requests.CountAsync(r => r.AssignedAgentId == agentId && OpenWork.Contains(r.Status), ct);
        return new WorkPage(await ItemsAsync(db, r => r.AssignedAgentId == agentId, Math.Max(1, take), ct), total);
    }

    private static readonly RequestStatus[] OpenWork = [RequestStatus.Assigned, RequestStatus.InProgress];

    private async Task<List<WorkItem>> ItemsAsync(CstDbContext db, System.Linq.Expressions.Expression<Func<ServiceRequest, bool>> where, int take, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var culture = Common.Cultures.Current;
        var rows = await db.Requests.AsNoTracking().Where(where).Where(r => OpenWork.Contains(r.Status))
            .OrderBy(r => r.ResolutionDueAt == null).ThenBy(r => r.ResolutionDueAt).ThenBy(r => r.Priority).ThenBy(r => r.CreatedAt).ThenBy(r => r.Number)
            .Take(take)
            .Select(r => new
            {
                r.Number, r.Version, r.Status, Category = r.Category!.Translations.Where(t => t.Culture == culture && t.Name != "").Select(t => t.Name).FirstOrDefault() ?? r.Category.Name, r.Priority, r.Address,
                Zone = db.Zones.Where(z => z.Id == r.ZoneId).Select(z => z.Name).First(), r.Description, r.Latitude, r.Longitude,
                r.CreatedAt, r.ResolutionDueAt, Arrived = r.Milestones.Any(m => m.Kind == MilestoneKind.Arrived), r.AssignedAgentId,
            }).ToListAsync(ct);
        return rows.Select(r => new WorkItem(r.Number, r.Version, r.Status, r.Category, r.Priority, r.Address, r.Zone, r.Description,
                r.Latitude, r.Longitude, r.CreatedAt, r.ResolutionDueAt, r.Arrived, r.ResolutionDueAt < now))
            .ToList();
    }

    /// <summary>One tap: arrived, work started or resolved (a resolution note is required). Records time and position.</summary>
    public async Task<Result> RecordAsync(string number, long version, FieldMilestone milestone, Actor actor, double? latitude, double? longitude,
        string? resolutionNote = null, CancellationToken ct = default)
    {
        var position = Position.Checked(latitude, longitude);
        var result = milestone switch
        {
            FieldMilestone.Arrived => await workflow.RecordArrivalAsync(number, version, actor, position?.Latitude, position?.Longitude, ct),
            FieldMilestone.WorkStarted => await workflow.ApplyAsync(number, version,
                new TransitionInput(WorkflowAction.Start) { Latitude = position?.Latitude, Longitude = position?.Longitude }, actor, ct),
            FieldMilestone.Resolved => await workflow.ApplyAsync(number, version,
                new TransitionInput(WorkflowAction.Resolve) { ResolutionNote = resolutionNote, Latitude = position?.Latitude, Longitude = position?.Longitude }, actor, ct),
            _ => Result.Fail(Texts.Get("That is not a field milestone: use arrived, work started or resolved.")),
        };
        if (result.Succeeded) await RememberActivityAsync(actor, position, ct);
        return result;
    }

    private async Task RememberActivityAsync(Actor actor, Position? position, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var agent = await db.Agents.SingleOrDefaultAsync(a => a.UserId == actor.UserId, ct);
        if (agent is null) return;
        agent.RecordActivity(clock.GetUtcNow().UtcDateTime, position?.Latitude, position?.Longitude);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Hands a request back to the queue; a reason is required.</summary>
    public Task<Result> HandBackAsync(string number, long version, string? reason, Actor actor, CancellationToken ct = default) =>
        workflow.ApplyAsync(number, version, new TransitionInput(WorkflowAction.Unassign) { Reason = reason }, actor, ct);

    /// <summary>A public reply, shown to the citizen.</summary>
    public Task<Result> ReplyAsync(string number, string text, Actor actor, CancellationToken ct = default) => requests.CommentAsync(number, text, actor, ct);

    /// <summary>A staff-only note (the same unit of work the integration API uses).</summary>
    public Task<Result> NoteAsync(string number, string text, Actor actor, CancellationToken ct = default) =>
        requests.AddInternalNoteAsync(number, text, actor, ct);

    /// <summary>Each agent's open load, overdue items and today's milestones; the supervisor sees every team.</summary>
    public async Task<IReadOnlyList<TeamMember>> TeamViewAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var today = now.Date;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var agents = await db.Agents.AsNoTracking().OrderBy(a => a.Team!.Name).ThenBy(a => a.DisplayName)
            .Select(a => new { a.Id, a.DisplayName, a.UserId, Team = a.Team!.Name, a.Capacity, a.IsActive }).ToListAsync(ct);
        var items = (await ItemsWithAgentAsync(db, ct)).ToLookup(x => x.AgentId, x => x.Item);
        var milestones = await db.Milestones.AsNoTracking().Where(m => m.At >= today && m.ActorUserId != null)
            .GroupBy(m => m.ActorUserId!).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        return agents.Select(a =>
        {
            var mine = items[a.Id].ToList();
            return new TeamMember(a.Id, a.DisplayName, a.Team, mine.Count, a.Capacity, mine.Count(i => i.Overdue),
                milestones.GetValueOrDefault(a.UserId), a.IsActive, mine);
        }).ToList();
    }

    private async Task<List<(int AgentId, WorkItem Item)>> ItemsWithAgentAsync(CstDbContext db, CancellationToken ct)
    {
        var byNumber = await db.Requests.AsNoTracking().Where(r => r.AssignedAgentId != null && OpenWork.Contains(r.Status))
            .Select(r => new { r.Number, AgentId = r.AssignedAgentId!.Value }).ToDictionaryAsync(x => x.Number, x => x.AgentId, ct);
        var list = await ItemsAsync(db, r => r.AssignedAgentId != null, int.MaxValue, ct);
        return list.Select(i => (byNumber[i.Number], i)).ToList();
    }

    /// <summary>Gives an assigned (not yet started) request to another agent: hand back, then assign, each through the workflow.</summary>
    public async Task<Result> ReassignAsync(string number, long version, int agentId, Actor actor, CancellationToken ct = default)
    {
        // Check the new agent before handing back, so that a choice the form never offered changes nothing.
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            if (!await db.Agents.AnyAsync(a => a.Id == agentId && a.IsActive && a.Team!.IsActive, ct))
                return Result.Fail(Texts.Get("Choose an active agent to reassign to."));
        var back = await workflow.ApplyAsync(number, version, new TransitionInput(WorkflowAction.Unassign) { Reason = "Reassigned by " + actor.Name }, actor, ct);
        if (!back.Succeeded) return back;
        return await workflow.ApplyAsync(number, version + 1, new TransitionInput(WorkflowAction.Assign) { AgentId = agentId, Reason = "Reassigned by " + actor.Name }, actor, ct);
    }

    public Task<IReadOnlyList<AuditRow>> AuditTrailAsync(string number, CancellationToken ct = default) => audit.RecentAsync(200, number, ct);
}
