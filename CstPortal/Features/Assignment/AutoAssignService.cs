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
/// Assigns triaged requests of auto-assign categories through the workflow, as the system. A batch is chosen against
/// one snapshot (agents with skills, zones and open load; zone shapes parsed and prepared once), each choice adding
/// its request to the chosen agent's load before the next is made, exactly as assigning them one after another would;
/// then the batch is written as one workflow unit of work (<see cref="WorkflowService.ApplyBatchAsync"/>), each request
/// with the version it was read at: if a person assigned it meanwhile, the version check makes it a skip (never a
/// second assignment, never an error). Safe to run twice and alongside people.
/// </summary>
public sealed class AutoAssignService(IDbContextFactory<CstDbContext> dbFactory, WorkflowService workflow, ZoneDirectory zones)
{
    public static readonly Actor System = Actor.System("auto-assign");

    /// <summary>Requests chosen against one snapshot and written in one transaction.</summary>
    public const int BatchSize = 500;

    /// <summary>The next batch of triaged requests whose category says auto, most urgent first, oldest first, then by id (the job's work).</summary>
    public async Task<IReadOnlyList<AutoAssignResult>> AssignPendingAsync(CancellationToken ct = default)
    {
        List<string> numbers;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            numbers = await db.Requests.AsNoTracking()
                .Where(r => r.Status == RequestStatus.Triaged && r.Category!.AutoAssign)
                .OrderBy(r => r.Priority).ThenBy(r => r.CreatedAt).ThenBy(r => r.Id).Select(r => r.Number).Take(BatchSize).ToListAsync(ct);
        }
        return await AssignBatchAsync(numbers, ct);
    }

    /// <summary>Chooses and assigns one triaged request; a request that is not triaged any more is skipped.</summary>
    public async Task<AutoAssignResult> AssignAsync(string number, CancellationToken ct = default) => (await AssignBatchAsync([number], ct))[0];

    /// <summary>Chooses for each request in order against one snapshot, then writes them all in one unit of work. One result per number, in order.</summary>
    public async Task<IReadOnlyList<AutoAssignResult>> AssignBatchAsync(IReadOnlyList<string> numbers, CancellationToken ct = default)
    {
        if (numbers.Count == 0) return [];
        var results = new AutoAssignResult?[numbers.Count];
        var planned = new List<(int Index, WorkflowService.BatchItem Item, Func<Result, AutoAssignResult> Outcome)>();
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var requests = (await db.Requests.AsNoTracking().Where(r => numbers.Contains(r.Number))
                    .Select(r => new { r.Number, r.Status, r.Version, r.Priority, r.Latitude, r.Longitude, r.Category!.RequiredSkillId, r.Category.DefaultTeamId })
                    .ToListAsync(ct))
                .ToDictionary(r => r.Number);
            var skillIds = requests.Values.Select(r => r.RequiredSkillId).OfType<int>().Distinct().ToList();
            var skills = await db.Skills.AsNoTracking().Where(s => skillIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.Name, ct);
            var teamIds = requests.Values.Select(r => r.DefaultTeamId).OfType<int>().Distinct().ToList();
            var supervisors = await db.Teams.AsNoTracking().Where(t => teamIds.Contains(t.Id)).ToDictionaryAsync(t => t.Id, t => t.SupervisorUserId, ct);
            var agents = await LoadAgentsAsync(db, ct);
            var shapes = (await zones.ZonesAsync(ct))
                .Select(z => new AssignmentScoring.ZoneShape(z.Id, z.Name, ZoneLocator.ParseGeometry(z.BoundaryGeoJson))).ToList();

            for (var i = 0; i < numbers.Count; i++)
            {
                var number = numbers[i];
                if (!requests.TryGetValue(number, out var request) || request.Status != RequestStatus.Triaged)
                {
                    results[i] = new AutoAssignResult(number, AutoAssignOutcome.Skipped, "not waiting for assignment");
                    continue;
                }
                var skillName = request.RequiredSkillId is { } s ? skills.GetValueOrDefault(s) : null;
                var decision = AssignmentScoring.Choose(new AssignmentScoring.Job(request.Latitude, request.Longitude, request.RequiredSkillId, skillName), agents, shapes);
                var version = request.Version;

                if (decision.Agent is { } agent)
                {
                    // The next choice sees this request in the agent's load, as it would after a one-by-one assignment.
                    var at = agents.FindIndex(a => a.AgentId == agent.AgentId);
                    agents[at] = agent with { OpenPriorities = [.. agent.OpenPriorities, request.Priority] };
                    var item = new WorkflowService.BatchItem(number, version,
                        new TransitionInput(WorkflowAction.Assign) { AgentId = agent.AgentId, Reason = Texts.Get("Auto-assigned: {0}", decision.Reason) });
                    var reason = $"{agent.Name}: {decision.Reason}";
                    planned.Add((i, item, r => r.Succeeded
                        ? new AutoAssignResult(number, AutoAssignOutcome.AssignedToAgent, reason)
                        : new AutoAssignResult(number, AutoAssignOutcome.Skipped, r.Error!)));
                    continue;
                }

                if (request.DefaultTeamId is not { } teamId)
                {
                    results[i] = new AutoAssignResult(number, AutoAssignOutcome.Skipped, Texts.Get("{0} The category has no team.", decision.Reason));
                    continue;
                }
                var supervisorUserId = supervisors.GetValueOrDefault(teamId);
                string Queued() => Texts.Get("{0} Sent to the team's queue.", decision.Reason);
                var queuedReason = Queued();
                var queue = new WorkflowService.BatchItem(number, version,
                    new TransitionInput(WorkflowAction.Assign) { TeamId = teamId, Reason = Texts.Get("Auto-assignment: {0}", queuedReason) },
                    async (tdb, _, now) =>
                    {
                        if (supervisorUserId is not null)
                            await Outbox.EnqueueAsync(tdb, now, NotificationChannel.InApp, NotificationTexts.NeedsPerson,
                                () => new Dictionary<string, string> { ["number"] = number, ["reason"] = Queued() },
                                recipientUserId: supervisorUserId, requestNumber: number, deduplicationKey: $"noagent:{number}:{version}", ct: ct);
                    });
                planned.Add((i, queue, r => r.Succeeded
                    ? new AutoAssignResult(number, AutoAssignOutcome.SentToTeamQueue, queuedReason)
                    : new AutoAssignResult(number, AutoAssignOutcome.Skipped, r.Error!)));
            }
        }

        var written = await workflow.ApplyBatchAsync(planned.Select(p => p.Item).ToList(), System, ct);
        for (var k = 0; k < planned.Count; k++) results[planned[k].Index] = planned[k].Outcome(written[k]);
        return results.Select(r => r!).ToList();
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
