using CstPortal.Common;
using CstPortal.Features.Assignment;
using CstPortal.Features.Audit;
using CstPortal.Features.Requests;
using CstPortal.Features.Workflow;
using CstPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CstPortal.Tests.Security;

/// <summary>
/// Many people acting at once on the same requests, on a real SQLite file, each operation on its own DbContext
/// (as the services always work), all released together. Each race has exactly one winner; every loser is told
/// the request changed (or, for a merge whose master was merged away meanwhile, to name a valid master, or, for a
/// merge of a request another was merged into meanwhile, to merge the other way); no
/// request ends in an impossible state; the audit chain verifies.
/// </summary>
public class RaceTests : IAsyncLifetime
{
    private const int Requests = 8;
    private TestCity _city = default!;

    public async Task InitializeAsync() => _city = await TestCity.CreateAsync();

    public async Task DisposeAsync() => await _city.DisposeAsync();

    private sealed record Attempt(string Number, string What, Func<IServiceProvider, Task<Result>> Act);

    /// <summary>Runs every attempt at once (a gate releases them together), each in its own scope.</summary>
    private async Task<List<(Attempt Attempt, Result Result)>> RaceAsync(IReadOnlyList<Attempt> attempts)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = attempts.Select(a => Task.Run(async () =>
        {
            await gate.Task;
            await using var scope = _city.Scope();
            return (a, await a.Act(scope.ServiceProvider));
        })).ToList();
        gate.SetResult();
        return [.. await Task.WhenAll(tasks)];
    }

    private static void OneWinnerEach(List<(Attempt Attempt, Result Result)> outcomes)
    {
        foreach (var race in outcomes.GroupBy(o => o.Attempt.Number))
        {
            var winners = race.Where(o => o.Result.Succeeded).Select(o => o.Attempt.What).ToList();
            Assert.True(winners.Count == 1, $"{race.Key}: {winners.Count} winners ({string.Join(", ", winners)})");
            foreach (var (attempt, result) in race.Where(o => !o.Result.Succeeded))
                Assert.True(result.Error is WorkflowService.ChangedByOthers or "Name the request this one duplicates."
                        or "Other requests are already merged into this one: merge the other request into this one instead.",
                    $"{attempt.Number} {attempt.What}: {result.Error}");
        }
    }

    [Fact]
    public async Task Concurrent_transitions_assignments_and_merges_have_one_winner_each_and_leave_no_impossible_state()
    {
        var citizen = await _city.ActorAsync(Roles.Citizen);
        var dispatcher = await _city.ActorAsync(Roles.Dispatcher);
        var supervisor = await _city.ActorAsync(Roles.Supervisor);
        var agent = await _city.ActorAsync(Roles.Agent);
        var agentA = await _city.DemoAgentIdAsync();
        int agentB;
        await using (var db = _city.Db())
            agentB = await db.Agents.Where(a => a.Id != agentA && a.IsActive && a.Team!.IsActive).OrderBy(a => a.Id).Select(a => a.Id).FirstAsync();
        var numbers = new List<string>();
        for (var i = 0; i < Requests; i++)
        {
            var n = (await _city.ReportPotholeAsync(citizen, $"Pothole number {i} in the race")).Number;
            Assert.True((await _city.ActAsync(n, new TransitionInput(WorkflowAction.Triage), dispatcher)).Succeeded);
            numbers.Add(n);
        }
        var auditBefore = await _city.AuditCountAsync();

        // Round 1, on triaged requests: two assignments, a close, and a merge into the next request (the merges form a
        // ring, so if every merge won, every request would be a duplicate of another, and chains X → A → B could form:
        // the serialised checks refuse a master that is itself a duplicate and a request others were merged into).
        var round1 = new List<Attempt>();
        for (var i = 0; i < Requests; i++)
        {
            var n = numbers[i];
            var next = numbers[(i + 1) % Requests];
            var v = (await _city.LoadAsync(n)).Version;
            round1.Add(new(n, "assign A", sp => sp.GetRequiredService<TriageService>().AssignAsync(n, v, agentA, null, dispatcher)));
            round1.Add(new(n, "assign B", sp => sp.GetRequiredService<TriageService>().AssignAsync(n, v, agentB, null, supervisor)));
            round1.Add(new(n, "close invalid", sp => sp.GetRequiredService<TriageService>().CloseAsync(n, v, CloseReason.Invalid, supervisor)));
            round1.Add(new(n, "merge", sp => sp.GetRequiredService<TriageService>().MergeAsync(n, v, next, dispatcher)));
            round1.Add(new(n, "merge again", sp => sp.GetRequiredService<TriageService>().MergeAsync(n, v, next, supervisor)));
        }
        var outcomes1 = await RaceAsync(round1);
        OneWinnerEach(outcomes1);

        // Round 2, on the assigned ones: the agent starts, a dispatcher hands back, a supervisor reassigns, a dispatcher closes.
        var round2 = new List<Attempt>();
        foreach (var n in numbers)
        {
            var r = await _city.LoadAsync(n);
            if (r.Status != RequestStatus.Assigned) continue;
            var v = r.Version;
            var other = r.AssignedAgentId == agentA ? agentB : agentA;
            if (r.AssignedAgentId == agentA)
                round2.Add(new(n, "start", sp => sp.GetRequiredService<WorkflowService>().ApplyAsync(n, v, new TransitionInput(WorkflowAction.Start), agent)));
            round2.Add(new(n, "hand back", sp => sp.GetRequiredService<WorkflowService>().ApplyAsync(n, v, new TransitionInput(WorkflowAction.Unassign) { Reason = "Wrong crew" }, dispatcher)));
            round2.Add(new(n, "reassign", sp => sp.GetRequiredService<StaffWorkService>().ReassignAsync(n, v, other, supervisor)));
            round2.Add(new(n, "close", sp => sp.GetRequiredService<TriageService>().CloseAsync(n, v, CloseReason.NotOurResponsibility, dispatcher)));
        }
        var outcomes2 = await RaceAsync(round2);
        OneWinnerEach(outcomes2);

        // No impossible state, and the history tells the same story as the request.
        await using (var db = _city.Db())
        {
            var rows = await db.Requests.AsNoTracking().Include(r => r.History).Where(r => numbers.Contains(r.Number)).ToListAsync();
            foreach (var r in rows)
            {
                var assigned = r.AssignedAgentId is not null || r.AssignedTeamId is not null;
                switch (r.Status)
                {
                    case RequestStatus.Assigned or RequestStatus.InProgress: Assert.True(assigned, $"{r.Number} is {r.Status} with nobody"); break;
                    // Handed back: no agent; the team's queue may stay as it was.
                    case RequestStatus.Triaged: Assert.Null(r.AssignedAgentId); Assert.Null(r.AssignedAt); break;
                    case RequestStatus.Closed: Assert.NotNull(r.CloseReason); Assert.NotNull(r.ClosedAt); break;
                    default: Assert.Fail($"{r.Number} is {r.Status}"); break;
                }
                if (r.CloseReason == CloseReason.Duplicate)
                {
                    Assert.NotNull(r.MasterRequestId);
                    var master = await db.Requests.AsNoTracking().SingleAsync(m => m.Id == r.MasterRequestId);
                    Assert.NotEqual(CloseReason.Duplicate, master.CloseReason); // no chains, no rings
                }
                else Assert.Null(r.MasterRequestId);
                var history = r.History.OrderBy(h => h.At).ThenBy(h => h.Id).ToList();
                Assert.Equal(r.Version, history.Count); // one history row per change, no lost or doubled step
                for (var k = 1; k < history.Count; k++) Assert.Equal(history[k - 1].To, history[k].From);
                Assert.Equal(r.Status, history[^1].To);
            }
        }
        var wins = outcomes1.Concat(outcomes2).Count(o => o.Result.Succeeded);
        var reassigns = outcomes2.Count(o => o.Result.Succeeded && o.Attempt.What == "reassign"); // two steps, two entries
        var merges = outcomes1.Count(o => o.Result.Succeeded && o.Attempt.What.StartsWith("merge", StringComparison.Ordinal)); // plus one on the master
        Assert.Equal(auditBefore + wins + reassigns + merges, await _city.AuditCountAsync());
        var verification = await _city.Get<AuditService>().VerifyAsync();
        Assert.True(verification.Intact, verification.Message);
    }
}
