using CstPortal.Data;
using CstPortal.Features.Requests;
using CstPortal.Features.Workflow;
using Microsoft.EntityFrameworkCore;

namespace CstPortal.Features.Sla;

/// <summary>One agent's or team's numbers over a period. Times are medians in hours; null when there is nothing to measure.</summary>
public sealed record PerformanceRow(int Id, string Name, int Assigned, int Resolved, double? MedianHoursToArrive, double? MedianHoursToStart,
    double? MedianHoursToResolve, double? SlaMetPercent, int Breaches, int Escalations, double? AverageRating);

public sealed record PerformanceReport(DateTime From, DateTime To, IReadOnlyList<PerformanceRow> Agents, IReadOnlyList<PerformanceRow> Teams);

/// <summary>
/// Per agent and per team: counts, SLA met %, breaches and ratings from grouped queries (the database adds them
/// up); medians from the few timestamps of the period's resolved requests, projected, never whole requests.
/// SLA met % and breaches count resolution targets of requests resolved in the period (history included);
/// escalations come from the performance log.
/// </summary>
public sealed class PerformanceService(IDbContextFactory<CstDbContext> dbFactory, TimeProvider clock)
{
    public async Task<PerformanceReport> ReportAsync(int days = 30, CancellationToken ct = default)
    {
        var to = clock.GetUtcNow().UtcDateTime;
        var from = to.AddDays(-Math.Clamp(days, 1, 3660));
        await using var db = await dbFactory.CreateDbContextAsync(ct);

        var assigned = db.Requests.AsNoTracking().Where(r => r.AssignedAt >= from && r.AssignedAt <= to);
        var resolved = db.Requests.AsNoTracking().Where(r => r.ResolvedAt >= from && r.ResolvedAt <= to);
        var dueNow = to;

        var agentAssigned = await assigned.Where(r => r.AssignedAgentId != null).GroupBy(r => r.AssignedAgentId!.Value)
            .Select(g => new { g.Key, N = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.N, ct);
        var teamAssigned = await assigned.Where(r => r.AssignedTeamId != null).GroupBy(r => r.AssignedTeamId!.Value)
            .Select(g => new { g.Key, N = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.N, ct);

        var agentResolved = await resolved.Where(r => r.AssignedAgentId != null).GroupBy(r => r.AssignedAgentId!.Value)
            .Select(g => new Counts(g.Key, g.Count(), g.Count(r => r.ResolutionDueAt != null), g.Count(r => r.ResolutionDueAt != null && r.ResolvedAt <= r.ResolutionDueAt)))
            .ToDictionaryAsync(x => x.Key, ct);
        var teamResolved = await resolved.Where(r => r.AssignedTeamId != null).GroupBy(r => r.AssignedTeamId!.Value)
            .Select(g => new Counts(g.Key, g.Count(), g.Count(r => r.ResolutionDueAt != null), g.Count(r => r.ResolutionDueAt != null && r.ResolvedAt <= r.ResolutionDueAt)))
            .ToDictionaryAsync(x => x.Key, ct);

        // Open requests past their resolution due time are breaches too (indexed by status and due time).
        var open = Workflow.RequestStatusExtensions.OpenStatuses;
        var openLate = db.Requests.AsNoTracking().Where(r => open.Contains(r.Status) && r.ResolutionDueAt < dueNow && r.ResolutionDueAt >= from);
        var agentOpenLate = await openLate.Where(r => r.AssignedAgentId != null).GroupBy(r => r.AssignedAgentId!.Value)
            .Select(g => new { g.Key, N = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.N, ct);
        var teamOpenLate = await openLate.Where(r => r.AssignedTeamId != null).GroupBy(r => r.AssignedTeamId!.Value)
            .Select(g => new { g.Key, N = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.N, ct);

        var log = db.PerformanceEntries.AsNoTracking().Where(e => e.Event == PerformanceEvent.Escalated && e.At >= from && e.At <= to);
        var agentEscalations = await log.Where(e => e.AgentId != null).GroupBy(e => e.AgentId!.Value).Select(g => new { g.Key, N = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.N, ct);
        var teamEscalations = await log.Where(e => e.TeamId != null).GroupBy(e => e.TeamId!.Value).Select(g => new { g.Key, N = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.N, ct);

        var rated = from r in resolved join rt in db.Ratings on r.Id equals rt.ServiceRequestId select new { r.AssignedAgentId, r.AssignedTeamId, rt.Stars };
        var agentRating = await rated.Where(x => x.AssignedAgentId != null).GroupBy(x => x.AssignedAgentId!.Value)
            .Select(g => new { g.Key, Avg = g.Average(x => (double)x.Stars) }).ToDictionaryAsync(x => x.Key, x => x.Avg, ct);
        var teamRating = await rated.Where(x => x.AssignedTeamId != null).GroupBy(x => x.AssignedTeamId!.Value)
            .Select(g => new { g.Key, Avg = g.Average(x => (double)x.Stars) }).ToDictionaryAsync(x => x.Key, x => x.Avg, ct);

        var times = await resolved.Select(r => new { r.AssignedAgentId, r.AssignedTeamId, r.CreatedAt, r.AssignedAt, r.StartedAt, r.ResolvedAt }).ToListAsync(ct);
        var arrivals = await (from m in db.Milestones.AsNoTracking()
                              join r in resolved on m.ServiceRequestId equals r.Id
                              where m.Kind == MilestoneKind.Arrived && r.AssignedAt != null
                              select new { r.AssignedAgentId, r.AssignedTeamId, Assigned = r.AssignedAt!.Value, m.At }).ToListAsync(ct);

        var agents = await db.Agents.AsNoTracking().OrderBy(a => a.DisplayName).Select(a => new { a.Id, a.DisplayName }).ToListAsync(ct);
        var teams = await db.Teams.AsNoTracking().OrderBy(t => t.Name).Select(t => new { t.Id, t.Name }).ToListAsync(ct);

        PerformanceRow Row(int id, string name, bool agent)
        {
            var counts = (agent ? agentResolved : teamResolved).GetValueOrDefault(id);
            var mine = times.Where(t => (agent ? t.AssignedAgentId : t.AssignedTeamId) == id).ToList();
            return new PerformanceRow(id, name, (agent ? agentAssigned : teamAssigned).GetValueOrDefault(id), counts?.Resolved ?? 0,
                Median(arrivals.Where(a => (agent ? a.AssignedAgentId : a.AssignedTeamId) == id).Select(a => (a.At - a.Assigned).TotalHours)),
                Median(mine.Where(t => t.StartedAt != null && t.AssignedAt != null).Select(t => (t.StartedAt!.Value - t.AssignedAt!.Value).TotalHours)),
                Median(mine.Select(t => (t.ResolvedAt!.Value - t.CreatedAt).TotalHours)),
                counts is { WithTarget: > 0 } ? 100.0 * counts.Met / counts.WithTarget : null,
                (counts is null ? 0 : counts.WithTarget - counts.Met) + (agent ? agentOpenLate : teamOpenLate).GetValueOrDefault(id),
                (agent ? agentEscalations : teamEscalations).GetValueOrDefault(id),
                (agent ? agentRating : teamRating).TryGetValue(id, out var avg) ? avg : null);
        }

        return new PerformanceReport(from, to, [.. agents.Select(a => Row(a.Id, a.DisplayName, true))], [.. teams.Select(t => Row(t.Id, t.Name, false))]);
    }

    /// <summary>The supervisors' escalated queue: open requests an escalation level moved there, oldest first.</summary>
    public async Task<IReadOnlyList<EscalatedRequest>> EscalatedQueueAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var open = RequestStatusExtensions.OpenStatuses;
        var culture = Common.Cultures.Current;
        var rows = await (from e in db.SlaEscalations.AsNoTracking().Where(e => e.InSupervisorQueue)
                          join r in db.Requests.AsNoTracking() on e.ServiceRequestId equals r.Id
                          where open.Contains(r.Status)
                          select new EscalatedRequest(r.Number, r.Category!.Translations.Where(t => t.Culture == culture && t.Name != "").Select(t => t.Name).FirstOrDefault() ?? r.Category.Name, r.Priority, r.Status, r.ResolutionDueAt, r.CreatedAt, e.FiredAt))
            .Take(500).ToListAsync(ct);
        return [.. rows.GroupBy(r => r.Number).Select(g => g.MinBy(x => x.EscalatedAt)!).OrderBy(r => r.EscalatedAt)];
    }

    /// <summary>Walks the performance log's hash chain; null when intact, else the first entry that does not check out.</summary>
    public async Task<(long Entries, long? FirstBroken)> VerifyLogAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return (await db.PerformanceEntries.LongCountAsync(ct), await PerformanceLog.FirstBrokenAsync(db, ct));
    }

    public static double? Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) return null;
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private sealed record Counts(int Key, int Resolved, int WithTarget, int Met);
}
