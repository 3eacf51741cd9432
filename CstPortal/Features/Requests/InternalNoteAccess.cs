using System.Linq.Expressions;
using CstPortal.Common;
using CstPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace CstPortal.Features.Requests;

/// <summary>
/// How far a viewer's reading of internal notes reaches. Office roles (dispatcher, supervisor, manager, admin) work
/// across the city and read every request's notes; a field agent reads the notes of requests in their own zones, in
/// their team's queue or assigned to them; everyone else (citizens, anonymous code holders, an agent login with no
/// agent record) reads none.
/// </summary>
public sealed record NoteReach(bool Everything, int? AgentId, int? TeamId, IReadOnlyCollection<int> ZoneIds)
{
    public static readonly NoteReach Nothing = new(false, null, null, []);
    public static readonly NoteReach All = new(true, null, null, []);
}

/// <summary>The internal-notes read rule: pure (<see cref="MaySee"/>) and as a query filter (<see cref="Filter"/>), the same rule twice.</summary>
public static class InternalNoteAccess
{
    public static bool IsOffice(Actor viewer) => Roles.Office.Split(',').Any(viewer.IsIn);

    public static bool MaySee(NoteReach reach, int zoneId, int? assignedTeamId, int? assignedAgentId) =>
        reach.Everything
        || (reach.AgentId is { } agent && (assignedAgentId == agent || (reach.TeamId is { } team && assignedTeamId == team) || reach.ZoneIds.Contains(zoneId)));

    /// <summary>The requests whose notes this reach may read, for a query.</summary>
    public static Expression<Func<ServiceRequest, bool>> Filter(NoteReach reach)
    {
        if (reach.Everything) return _ => true;
        if (reach.AgentId is not { } agent) return _ => false;
        var team = reach.TeamId ?? -1;
        var zones = reach.ZoneIds.ToList();
        return r => r.AssignedAgentId == agent || r.AssignedTeamId == team || zones.Contains(r.ZoneId);
    }

    /// <summary>The viewer's reach, read from their roles and (for an agent) their agent record, team and zones.</summary>
    public static async Task<NoteReach> ReachAsync(CstDbContext db, Actor viewer, CancellationToken ct)
    {
        if (IsOffice(viewer)) return NoteReach.All;
        if (!viewer.IsIn(Roles.Agent) || viewer.UserId is null) return NoteReach.Nothing;
        var agent = await db.Agents.AsNoTracking().Where(a => a.UserId == viewer.UserId)
            .Select(a => new { a.Id, a.TeamId, Zones = a.Zones.Select(z => z.ZoneId).ToList() }).SingleOrDefaultAsync(ct);
        return agent is null ? NoteReach.Nothing : new NoteReach(false, agent.Id, agent.TeamId, agent.Zones);
    }
}
