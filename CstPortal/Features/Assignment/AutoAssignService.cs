using CstPortal.Common;
using CstPortal.Data;
using CstPortal.Features.Geo;
using CstPortal.Features.Notifications;
using CstPortal.Features.Requests;
using CstPortal.Features.Workflow;
using Microsoft.EntityFrameworkCore;

namespace CstPortal.Features.Assignment;

/// <summary>What happened to one request the auto-assignment looked at.</summary>
public enum AutoAssignOutcome
{
    AssignedToAgent,
    SentToTeamQueue,
    Skipped,
}

public sealed record AutoAssignResult(string Number, AutoAssignOutcome Outcome, string Reason);

/// <summary>
/// Assigns triaged requests of auto-assign categories through the workflow, as the system. Each request is
/// its own unit of work with the version it read: if a person assigned it meanwhile, the version check makes
/// it a skip (never a second assignment, never an error). Safe to run twice and alongside people.
/// </summary>
public sealed class AutoAssignService(IDbContextFactory<CstDbContext> dbFactory, WorkflowService workflow, ZoneDirectory zones)
{
    public static readonly Actor System = Actor.System("auto-assign");

    /// <summary>Every triaged, unassigned request whose category says auto (the job's work).</summary>
    public async Task<IReadOnlyList<AutoAssignResult>> AssignPendingAsync(CancellationToken ct = default)
    {
        List<string> numbers;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            numbers = await db.Requests.AsNoTracking()
                .Where(r => r.Status == RequestStatus.Triaged && r.Category!.AutoAssign)
                .OrderBy(r => r.Priority).ThenBy(r => r.CreatedAt).Select(r => r.Number).Take(500).ToListAsync(ct);
        }
        var results = new List<AutoAssignResult>();
        foreach (var number in numbers) results.Add(await AssignAsync(number, ct));
        return results;
    }

    /// <summary>Chooses and assigns one triaged request; a request that is not triaged any more is skipped.</summary>
    public async Task<AutoAssignResult> AssignAsync(string number, CancellationToken ct = default)
    {
        AssignmentScoring.Decision decision;
        long version;
        int? teamId;
        string? supervisorUserId;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var request = await db.Requests.AsNoTracking().Where(r => r.Number == number)
                .Select(r => new { r.Status, r.Version, r.Latitude, r.Longitude, r.Category!.RequiredSkillId, r.Category.DefaultTeamId })
                .SingleOrDefaultAsync(ct);
            if (request is null || request.Status != RequestStatus.Triaged)
                return new AutoAssignResult(number, AutoAssignOutcome.Skipped, "not waiting for assignment");
            version = request.Version;
            teamId = request.DefaultTeamId;
            supervisorUserId = teamId is { } t ? await db.Teams.Where(x => x.Id == t).Select(x => x.SupervisorUserId).SingleOrDefaultAsync(ct) : null;
            var skillName = request.RequiredSkillId is { } s ? await db.Skills.Where(x => x.Id == s).Select(x => x.Name).SingleOrDefaultAsync(ct) : null;
            var agents = await LoadAgentsAsync(db, ct);
            var shapes = (await zones.ZonesAsync(ct))
                .Select(z => new AssignmentScoring.ZoneShape(z.Id, z.Name, ZoneLocator.ParseGeometry(z.BoundaryGeoJson))).ToList();
            decision = AssignmentScoring.Choose(new AssignmentScoring.Job(request.Latitude, request.Longitude, request.RequiredSkillId, skillName), agents, shapes);
        }

        if (decision.Agent is { } agent)
        {
            var result = await workflow.ApplyAsync(number, version,
                new TransitionInput(WorkflowAction.Assign) { AgentId = agent.AgentId, Reason = Texts.Get("Auto-assigned: {0}", decision.Reason) }, System, ct);
            return result.Succeeded
                ? new AutoAssignResult(number, AutoAssignOutcome.AssignedToAgent, $"{agent.Name}: {decision.Reason}")
                : new AutoAssignResult(number, AutoAssignOutcome.Skipped, result.Error!);
        }

        if (teamId is null) return new AutoAssignResult(number, AutoAssignOutcome.Skipped, Texts.Get("{0} The category has no team.", decision.Reason));
        string Queued() => Texts.Get("{0} Sent to the team's queue.", decision.Reason);
        var reason = Queued();
        var queued = await workflow.ApplyAsync(number, version, new TransitionInput(WorkflowAction.Assign) { TeamId = teamId, Reason = Texts.Get("Auto-assignment: {0}", reason) },
            System, async (db, _, now) =>
            {
                if (supervisorUserId is not null)
                    await Outbox.EnqueueAsync(db, now, NotificationChannel.InApp, NotificationTexts.NeedsPerson,
                        () => new Dictionary<string, string> { ["number"] = number, ["reason"] = Queued() },
                        recipientUserId: supervisorUserId, requestNumber: number, deduplicationKey: $"noagent:{number}:{version}", ct: ct);
            }, ct);
        return queued.Succeeded
            ? new AutoAssignResult(number, AutoAssignOutcome.SentToTeamQueue, reason)
            : new AutoAssignResult(number, AutoAssignOutcome.Skipped, queued.Error!);
    }

    internal static async Task<List<AssignmentScoring.AgentState>> LoadAgentsAsync(CstDbContext db, CancellationToken ct)
    {
        var open = new[] { RequestStatus.Assigned, RequestStatus.InProgress };
        var agents = await db.Agents.AsNoTracking().Include(a => a.Skills).Include(a => a.Zones).AsSplitQuery()
            .Select(a => new { a, TeamActive = a.Team!.IsActive }).ToListAsync(ct);
        var loads = (await db.Requests.AsNoTracking().Where(r => r.AssignedAgentId != null && open.Contains(r.Status))
                .Select(r => new { r.AssignedAgentId, r.Priority }).ToListAsync(ct))
            .ToLookup(r => r.AssignedAgentId!.Value, r => r.Priority);
        return agents.Select(x => new AssignmentScoring.AgentState(x.a.Id, x.a.DisplayName, x.a.TeamId, x.a.IsActive && x.TeamActive,
                x.a.Skills.Select(s => s.SkillId).ToList(), x.a.Zones.Select(z => z.ZoneId).ToList(), x.a.Capacity,
                loads[x.a.Id].ToList(), x.a.LastLatitude, x.a.LastLongitude, x.a.LastActiveAt))
            .ToList();
    }
}
