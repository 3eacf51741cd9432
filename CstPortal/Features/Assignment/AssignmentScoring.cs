using CstPortal.Common;
using CstPortal.Features.Duplicates;
using CstPortal.Features.Requests;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;

namespace CstPortal.Features.Assignment;

/// <summary>
/// Who should get a triaged request. Pure: no database, no clock of its own.
/// Candidates are active agents who cover a zone containing the request's point (NetTopologySuite
/// point-in-polygon), have the category's required skill and are under their capacity. The choice is the
/// least open workload weighted by priority, then the nearest (from the last recorded position; unknown
/// positions come last), then the longest idle (never active first), then the lowest agent id.
/// </summary>
public static class AssignmentScoring
{
    private static readonly GeometryFactory Factory = new(new PrecisionModel(), 4326);

    public sealed record ZoneShape(int Id, string Name, Geometry Boundary)
    {
        private IPreparedGeometry? _prepared;

        /// <summary>Point-in-zone on the shape prepared once (NTS indexes its edges), so a batch pays for the parse and preparation once.</summary>
        public bool Covers(Point point) => (_prepared ??= PreparedGeometryFactory.Prepare(Boundary)).Covers(point);
    }

    public sealed record Job(double Latitude, double Longitude, int? RequiredSkillId, string? RequiredSkillName);

    public sealed record AgentState(
        int AgentId, string Name, int TeamId, bool IsActive, IReadOnlyCollection<int> SkillIds, IReadOnlyCollection<int> ZoneIds,
        int Capacity, IReadOnlyList<Priority> OpenPriorities, double? LastLatitude, double? LastLongitude, DateTime? LastActiveAt);

    public sealed record Candidate(AgentState Agent, string ZoneName, int OpenCount, int WeightedLoad, double? DistanceMeters);

    /// <summary>The choice; <see cref="Reason"/> is written in the current culture each time it is read, so a notification
    /// can word it in its recipient's language.</summary>
    public sealed record Decision(AgentState? Agent, Func<string> Explain, IReadOnlyList<Candidate> Ranked)
    {
        public string Reason => Explain();
    }

    /// <summary>Weight of one open request by priority: a P1 weighs four P4s.</summary>
    public static int Weight(Priority p) => p switch
    {
        Priority.P1 => 4,
        Priority.P2 => 3,
        Priority.P3 => 2,
        _ => 1,
    };

    public static Decision Choose(Job job, IEnumerable<AgentState> agents, IReadOnlyCollection<ZoneShape> zones)
    {
        var point = Factory.CreatePoint(new Coordinate(job.Longitude, job.Latitude));
        var containing = zones.Where(z => z.Covers(point)).OrderBy(z => z.Id).ToList();
        if (containing.Count == 0) return new Decision(null, () => Texts.Get("No zone contains the request's location."), []);

        var all = agents.ToList();
        var candidates = new List<Candidate>();
        foreach (var a in all)
        {
            if (!a.IsActive) continue;
            var zone = containing.FirstOrDefault(z => a.ZoneIds.Contains(z.Id));
            if (zone is null) continue;
            if (job.RequiredSkillId is { } skill && !a.SkillIds.Contains(skill)) continue;
            if (a.OpenPriorities.Count >= a.Capacity) continue;
            double? distance = a is { LastLatitude: { } lat, LastLongitude: { } lng }
                ? DuplicateScoring.DistanceMeters(lat, lng, job.Latitude, job.Longitude) : null;
            candidates.Add(new Candidate(a, zone.Name, a.OpenPriorities.Count, a.OpenPriorities.Sum(Weight), distance));
        }

        var ranked = candidates.OrderBy(c => c, Comparer<Candidate>.Create(Compare)).ToList();
        var zoneNames = string.Join(", ", containing.Select(z => z.Name));
        if (ranked.Count == 0)
            return new Decision(null, () => job.RequiredSkillName is null
                ? Texts.Get("No active agent in zone {0} has capacity left.", zoneNames)
                : Texts.Get("No active agent in zone {0} with skill {1} has capacity left.", zoneNames, job.RequiredSkillName), []);

        var best = ranked[0];
        string Why() => ranked.Count == 1 ? Texts.Get("only candidate") : DecidedBy(best, ranked[1]);
        string Reason() => job.RequiredSkillName is null
            ? Texts.Get("zone {0}, {1} open, {2}", best.ZoneName, best.OpenCount, Why())
            : Texts.Get("zone {0}, skill {1}, {2} open, {3}", best.ZoneName, job.RequiredSkillName, best.OpenCount, Why());
        return new Decision(best.Agent, Reason, ranked);
    }

    /// <summary>Orders candidates best first; total and deterministic.</summary>
    public static int Compare(Candidate x, Candidate y)
    {
        var c = x.WeightedLoad.CompareTo(y.WeightedLoad);
        if (c != 0) return c;
        c = (x.DistanceMeters ?? double.MaxValue).CompareTo(y.DistanceMeters ?? double.MaxValue);
        if (c != 0) return c;
        c = (x.Agent.LastActiveAt ?? DateTime.MinValue).CompareTo(y.Agent.LastActiveAt ?? DateTime.MinValue);
        if (c != 0) return c;
        return x.Agent.AgentId.CompareTo(y.Agent.AgentId);
    }

    private static string DecidedBy(Candidate best, Candidate next)
    {
        if (best.WeightedLoad != next.WeightedLoad) return Texts.Get("least workload");
        if ((best.DistanceMeters ?? double.MaxValue) != (next.DistanceMeters ?? double.MaxValue))
            return best.DistanceMeters is { } d ? Texts.Get("nearest ({0:0} m)", d) : Texts.Get("nearest");
        if (best.Agent.LastActiveAt != next.Agent.LastActiveAt) return Texts.Get("longest idle");
        return Texts.Get("tie broken by agent number");
    }
}
