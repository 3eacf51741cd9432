using CstPortal.Common;
using CstPortal.Data;
using CstPortal.Features.Assignment;
using CstPortal.Features.Duplicates;
using CstPortal.Features.Geo;
using CstPortal.Features.Requests;
using Microsoft.EntityFrameworkCore;

namespace CstPortal.Features.Workflow;

public sealed record TriageFilter(int? CategoryId = null, int? ZoneId = null, int? MinAgeHours = null, string? Search = null);

public sealed record TriageItem(
    string Number, long Version, int CategoryId, string CategoryName, Priority Priority, int ZoneId, string ZoneName,
    string? Address, string Description, DateTime CreatedAt, DateTime? ResponseDueAt, double Latitude, double Longitude, bool AutoAssign);

public sealed record SimilarRequest(string Number, string Status, double DistanceMeters, double Score, string Description, DateTime CreatedAt);

public sealed record AgentOption(int AgentId, int TeamId, string Name, string TeamName, IReadOnlyList<string> Zones, IReadOnlyList<string> Skills, int Open, int Capacity, bool IsActive);

public sealed record TeamOption(int TeamId, string Name);

public sealed record ZoneOption(int Id, string Name);

/// <summary>A selected request as the list showed it: its number and the version the dispatcher saw.</summary>
public sealed record Selected(string Number, long Version);

/// <summary>What triage did: its message, and whether the category's automatic assignment already assigned it.</summary>
public sealed record TriageOutcome(string Message, bool Assigned);

public sealed record BulkOutcome(int Succeeded, IReadOnlyList<string> Failures);

/// <summary>
/// The dispatcher's desk: the queue of new requests, triage (with automatic assignment when the category says
/// so), similar requests nearby, merge of duplicates, closing with a reason, manual assignment and bulk actions.
/// Every change goes through the workflow; this service only reads and orchestrates.
/// </summary>
public sealed class TriageService(
    IDbContextFactory<CstDbContext> dbFactory, WorkflowService workflow, AutoAssignService autoAssign,
    DuplicateFinder duplicates, ZoneDirectory zones, TimeProvider clock)
{
    /// <summary>New requests, highest priority first and, within a priority, oldest first.</summary>
    public async Task<IReadOnlyList<TriageItem>> QueueAsync(TriageFilter filter, int take = 200, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var q = db.Requests.AsNoTracking().Where(r => r.Status == RequestStatus.New);
        if (filter.CategoryId is { } c) q = q.Where(r => r.CategoryId == c);
        if (filter.ZoneId is { } z) q = q.Where(r => r.ZoneId == z);
        if (!string.IsNullOrWhiteSpace(filter.Search))
        {
            var text = filter.Search.Trim();
            q = q.Where(r => r.Number == text.ToUpper() || r.Description.Contains(text) || (r.Address != null && r.Address.Contains(text)));
        }
        if (filter.MinAgeHours is { } h and > 0)
        {
            var before = clock.GetUtcNow().UtcDateTime.AddHours(-h);
            q = q.Where(r => r.CreatedAt <= before);
        }
        var culture = Cultures.Current;
        return await q.OrderBy(r => r.Priority).ThenBy(r => r.CreatedAt).ThenBy(r => r.Id).Take(Math.Clamp(take, 1, 500))
            .Select(r => new TriageItem(r.Number, r.Version, r.CategoryId,
                r.Category!.Translations.Where(t => t.Culture == culture && t.Name != "").Select(t => t.Name).FirstOrDefault() ?? r.Category.Name, r.Priority, r.ZoneId,
                db.Zones.Where(zn => zn.Id == r.ZoneId).Select(zn => zn.Name).First(), r.Address, r.Description, r.CreatedAt,
                r.ResponseDueAt, r.Latitude, r.Longitude, r.Category.AutoAssign))
            .ToListAsync(ct);
    }

    public async Task<IReadOnlyList<ZoneOption>> ZonesAsync(CancellationToken ct = default) =>
        (await zones.ZonesAsync(ct)).Select(z => new ZoneOption(z.Id, z.Name)).OrderBy(z => z.Name).ToList();

    public Task<string> ZonesGeoJsonAsync(CancellationToken ct = default) => zones.FeatureCollectionAsync(ct);

    /// <summary>Open requests of the same category close by that may be the same problem (best first).</summary>
    public async Task<IReadOnlyList<SimilarRequest>> SimilarAsync(string number, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var r = await db.Requests.AsNoTracking().Where(x => x.Number == number)
            .Select(x => new { x.CategoryId, x.Latitude, x.Longitude, x.Description }).SingleOrDefaultAsync(ct);
        if (r is null) return [];
        var matches = await duplicates.FindAsync(r.CategoryId, r.Latitude, r.Longitude, r.Description, number, ct);
        var numbers = matches.Select(m => m.Candidate.Number).ToList();
        var statuses = await db.Requests.AsNoTracking().Where(x => numbers.Contains(x.Number))
            .Select(x => new { x.Number, x.Status }).ToDictionaryAsync(x => x.Number, x => x.Status, ct);
        return matches.Select(m => new SimilarRequest(m.Candidate.Number, statuses.TryGetValue(m.Candidate.Number, out var s) ? s.Code() : "",
            Math.Round(m.DistanceMeters), m.Score, m.Candidate.Description, m.Candidate.CreatedAt)).ToList();
    }

    /// <summary>Confirms category and priority (due times follow); then, if the category says auto, assigns.</summary>
    public async Task<Result<TriageOutcome>> TriageAsync(string number, long version, int categoryId, Priority priority, Actor actor, CancellationToken ct = default)
    {
        var triaged = await workflow.ApplyAsync(number, version, new TransitionInput(WorkflowAction.Triage) { CategoryId = categoryId, Priority = priority }, actor, ct);
        if (!triaged.Succeeded) return Result<TriageOutcome>.Fail(triaged.Error!);
        bool auto;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            auto = await db.Categories.AnyAsync(c => c.Id == categoryId && c.AutoAssign, ct);
        if (!auto) return new TriageOutcome($"{number} triaged.", false);
        await autoAssign.AssignAsync(number, ct);
        // Read back what happened (the job may have won the race to assign it; the outcome is the same).
        await using var read = await dbFactory.CreateDbContextAsync(ct);
        var now = await read.Requests.AsNoTracking().Where(r => r.Number == number)
            .Select(r => new
            {
                r.Status, r.AssignmentNote,
                Agent = read.Agents.Where(a => a.Id == r.AssignedAgentId).Select(a => a.DisplayName).FirstOrDefault(),
                Team = read.Teams.Where(t => t.Id == r.AssignedTeamId).Select(t => t.Name).FirstOrDefault(),
            }).SingleAsync(ct);
        if (now.Status != RequestStatus.Assigned) return new TriageOutcome($"{number} triaged.", false);
        return now.Agent is not null
            ? new TriageOutcome($"{number} triaged and assigned to {now.Agent} ({now.AssignmentNote}).", true)
            : new TriageOutcome($"{number} triaged and sent to the {now.Team} queue ({now.AssignmentNote}).", true);
    }

    /// <summary>Closes the duplicate with reason "duplicate" and merges it into the master.</summary>
    public Task<Result> MergeAsync(string duplicateNumber, long version, string masterNumber, Actor actor, CancellationToken ct = default) =>
        workflow.ApplyAsync(duplicateNumber, version, new TransitionInput(WorkflowAction.CloseWithReason)
        {
            CloseReason = CloseReason.Duplicate, MasterNumber = masterNumber, Reason = $"Duplicate of {masterNumber?.Trim()}",
        }, actor, ct);

    public Task<Result> CloseAsync(string number, long version, CloseReason? reason, Actor actor, CancellationToken ct = default) =>
        workflow.ApplyAsync(number, version, new TransitionInput(WorkflowAction.CloseWithReason) { CloseReason = reason, Reason = reason?.ToString() }, actor, ct);

    /// <summary>Assigns to an agent (its team follows) or, with no agent, to a team's queue.</summary>
    public Task<Result> AssignAsync(string number, long version, int? agentId, int? teamId, Actor actor, CancellationToken ct = default) =>
        workflow.ApplyAsync(number, version, new TransitionInput(WorkflowAction.Assign)
        {
            AgentId = agentId, TeamId = agentId is null ? teamId : null, Reason = "Assigned by " + actor.Name,
        }, actor, ct);

    /// <summary>Runs one action on each selected request; each is its own unit of work, failures are listed by number.</summary>
    public async Task<BulkOutcome> BulkAsync(IReadOnlyList<Selected> selection, Func<Selected, Task<Result>> action)
    {
        var ok = 0;
        var failures = new List<string>();
        foreach (var item in selection)
        {
            var r = await action(item);
            if (r.Succeeded) ok++;
            else failures.Add($"{item.Number}: {r.Error}");
        }
        return new BulkOutcome(ok, failures);
    }

    public async Task<BulkOutcome> BulkTriageAsync(IReadOnlyList<Selected> selection, Actor actor, CancellationToken ct = default)
    {
        var items = (await QueueAsync(new TriageFilter(), 500, ct)).ToDictionary(i => i.Number);
        return await BulkAsync(selection, async s => items.TryGetValue(s.Number, out var i)
            ? ToResult(await TriageAsync(s.Number, s.Version, i.CategoryId, i.Priority, actor, ct))
            : Result.Fail(Texts.Get("It is not new any more.")));
    }

    /// <summary>Triages each selected new request as it stands and assigns it to the agent or team (unless its category assigned it already).</summary>
    public async Task<BulkOutcome> BulkTriageAndAssignAsync(IReadOnlyList<Selected> selection, int? agentId, int? teamId, Actor actor, CancellationToken ct = default)
    {
        if (agentId is null && teamId is null) return new BulkOutcome(0, [Texts.Get("Choose an agent or a team first.")]);
        return await BulkAsync(selection, async s =>
        {
            var triaged = await workflow.ApplyAsync(s.Number, s.Version, new TransitionInput(WorkflowAction.Triage), actor, ct);
            return triaged.Succeeded ? await AssignAsync(s.Number, s.Version + 1, agentId, teamId, actor, ct) : triaged;
        });
    }

    public Task<BulkOutcome> BulkCloseAsync(IReadOnlyList<Selected> selection, CloseReason? reason, Actor actor, CancellationToken ct = default) =>
        reason == CloseReason.Duplicate
            ? Task.FromResult(new BulkOutcome(0, [Texts.Get("Merge duplicates one at a time, naming the request each one duplicates.")]))
            : BulkAsync(selection, s => CloseAsync(s.Number, s.Version, reason, actor, ct));

    private static Result ToResult(Result<TriageOutcome> r) => r.Succeeded ? Result.Ok() : Result.Fail(r.Error!);

    /// <summary>Agents and teams to assign to, with each agent's zones, skills and open workload; filtered by a search text.</summary>
    public async Task<IReadOnlyList<AgentOption>> AgentsAsync(string? search = null, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var open = new[] { RequestStatus.Assigned, RequestStatus.InProgress };
        var zoneNames = await db.Zones.AsNoTracking().ToDictionaryAsync(z => z.Id, z => z.Name, ct);
        var skillNames = await db.Skills.AsNoTracking().ToDictionaryAsync(s => s.Id, s => s.Name, ct);
        var teams = await db.Teams.AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.Name, ct);
        var loads = await db.Requests.AsNoTracking().Where(r => r.AssignedAgentId != null && open.Contains(r.Status))
            .GroupBy(r => r.AssignedAgentId!.Value).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        var agents = await db.Agents.AsNoTracking().Include(a => a.Skills).Include(a => a.Zones).AsSplitQuery().OrderBy(a => a.DisplayName).ToListAsync(ct);
        var list = agents.Select(a => new AgentOption(a.Id, a.TeamId, a.DisplayName, teams.GetValueOrDefault(a.TeamId, ""),
                a.Zones.Select(z => zoneNames.GetValueOrDefault(z.ZoneId, "?")).Order().ToList(),
                a.Skills.Select(s => skillNames.GetValueOrDefault(s.SkillId, "?")).Order().ToList(),
                loads.GetValueOrDefault(a.Id), a.Capacity, a.IsActive))
            .ToList();
        if (string.IsNullOrWhiteSpace(search)) return list;
        var s = search.Trim();
        return list.Where(a => a.Name.Contains(s, StringComparison.OrdinalIgnoreCase) || a.TeamName.Contains(s, StringComparison.OrdinalIgnoreCase)
                               || a.Zones.Any(z => z.Contains(s, StringComparison.OrdinalIgnoreCase)) || a.Skills.Any(k => k.Contains(s, StringComparison.OrdinalIgnoreCase)))
            .ToList();
    }

    public async Task<IReadOnlyList<TeamOption>> TeamsAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Teams.AsNoTracking().Where(t => t.IsActive).OrderBy(t => t.Name).Select(t => new TeamOption(t.Id, t.Name)).ToListAsync(ct);
    }
}
