using CstPortal.Features.Assignment;
using CstPortal.Features.Geo;
using CstPortal.Features.Requests;
using static CstPortal.Features.Assignment.AssignmentScoring;

namespace CstPortal.Tests.Features.Assignment;

/// <summary>The assignment rule on its own: zone, skill, capacity, workload, distance, idleness and ties.</summary>
public class AssignmentScoringTests
{
    // Two side-by-side square zones: West (lng 0..1) and East (lng 1..2), lat 0..1.
    private static readonly ZoneShape West = new(1, "West", ZoneLocator.MakePolygon((0, 0), (0, 1), (1, 1), (1, 0)));
    private static readonly ZoneShape East = new(2, "East", ZoneLocator.MakePolygon((0, 1), (0, 2), (1, 2), (1, 1)));
    private static readonly ZoneShape[] Zones = [West, East];
    private const int Electrical = 7, Plumbing = 8;
    private static readonly Job InWest = new(0.5, 0.5, Electrical, "electrical");
    private static readonly DateTime T0 = new(2026, 11, 2, 8, 0, 0, DateTimeKind.Utc);

    private static AgentState Agent(int id, int zone = 1, int skill = Electrical, int capacity = 5, Priority[]? open = null,
        bool active = true, (double, double)? at = null, DateTime? lastActive = null) =>
        new(id, $"Agent {id}", 1, active, [skill], [zone], capacity, open ?? [], at?.Item1, at?.Item2, lastActive);

    [Fact]
    public void Only_agents_whose_zone_contains_the_point_are_candidates()
    {
        var d = Choose(InWest, [Agent(1, zone: East.Id), Agent(2, zone: West.Id)], Zones);
        Assert.Equal(2, d.Agent!.AgentId);
        Assert.Single(d.Ranked);
        Assert.Contains("zone West", d.Reason);
    }

    [Fact]
    public void A_point_on_the_shared_border_belongs_to_both_zones()
    {
        var d = Choose(new Job(0.5, 1.0, null, null), [Agent(1, zone: East.Id), Agent(2, zone: West.Id)], Zones);
        Assert.Equal(2, d.Ranked.Count);
    }

    [Fact]
    public void A_point_outside_every_zone_has_no_candidate()
    {
        var d = Choose(new Job(5, 5, null, null), [Agent(1)], Zones);
        Assert.Null(d.Agent);
        Assert.Equal("No zone contains the request's location.", d.Reason);
    }

    [Fact]
    public void The_required_skill_is_needed_and_no_skill_required_means_anyone_in_the_zone()
    {
        Assert.Equal(2, Choose(InWest, [Agent(1, skill: Plumbing), Agent(2)], Zones).Agent!.AgentId);
        Assert.Equal(2, Choose(InWest with { RequiredSkillId = null, RequiredSkillName = null }, [Agent(1, skill: Plumbing, open: [Priority.P4]), Agent(2, skill: Plumbing)], Zones).Agent!.AgentId);
    }

    [Fact]
    public void Inactive_agents_are_never_chosen()
    {
        var d = Choose(InWest, [Agent(1, active: false), Agent(2, open: [Priority.P1, Priority.P1])], Zones);
        Assert.Equal(2, d.Agent!.AgentId);
    }

    [Theory]
    [InlineData(2, 2, false)]
    [InlineData(3, 2, true)]
    [InlineData(1, 0, true)]
    [InlineData(1, 1, false)]
    public void An_agent_at_capacity_is_not_a_candidate(int capacity, int open, bool candidate)
    {
        var d = Choose(InWest, [Agent(1, capacity: capacity, open: Enumerable.Repeat(Priority.P4, open).ToArray())], Zones);
        Assert.Equal(candidate, d.Agent is not null);
    }

    [Fact]
    public void No_candidate_says_why_with_zone_and_skill()
    {
        var d = Choose(InWest, [Agent(1, skill: Plumbing)], Zones);
        Assert.Null(d.Agent);
        Assert.Equal("No active agent in zone West with skill electrical has capacity left.", d.Reason);
    }

    [Fact]
    public void Least_workload_wins_and_the_workload_is_weighted_by_priority()
    {
        // Agent 1: two P4 (weight 2); agent 2: one P1 (weight 4). Fewer requests is not less work.
        var d = Choose(InWest, [Agent(2, open: [Priority.P1]), Agent(1, open: [Priority.P4, Priority.P4])], Zones);
        Assert.Equal(1, d.Agent!.AgentId);
        Assert.Equal("zone West, skill electrical, 2 open, least workload", d.Reason);
    }

    [Theory]
    [InlineData(Priority.P1, 4)]
    [InlineData(Priority.P2, 3)]
    [InlineData(Priority.P3, 2)]
    [InlineData(Priority.P4, 1)]
    public void Priority_weights(Priority p, int weight) => Assert.Equal(weight, Weight(p));

    [Fact]
    public void With_equal_workload_the_nearest_agent_wins()
    {
        var d = Choose(InWest, [Agent(1, at: (0.9, 0.9)), Agent(2, at: (0.51, 0.51)), Agent(3)], Zones);
        Assert.Equal(2, d.Agent!.AgentId);
        Assert.Matches(@"^zone West, skill electrical, 0 open, nearest \(\d+ m\)$", d.Reason);
        Assert.Equal([2, 1, 3], d.Ranked.Select(c => c.Agent.AgentId));
    }

    [Fact]
    public void An_unknown_position_comes_after_every_known_one()
    {
        var d = Choose(InWest, [Agent(1), Agent(2, at: (0.99, 0.01))], Zones);
        Assert.Equal(2, d.Agent!.AgentId);
    }

    [Fact]
    public void With_equal_workload_and_distance_the_longest_idle_wins_and_never_active_is_idlest()
    {
        var d = Choose(InWest, [Agent(1, lastActive: T0.AddHours(2)), Agent(2, lastActive: T0), Agent(3, lastActive: T0.AddHours(1))], Zones);
        Assert.Equal(2, d.Agent!.AgentId);
        Assert.EndsWith("longest idle", d.Reason);
        Assert.Equal(4, Choose(InWest, [Agent(1, lastActive: T0), Agent(4)], Zones).Agent!.AgentId);
    }

    [Fact]
    public void A_complete_tie_goes_to_the_lowest_agent_number_whatever_the_input_order()
    {
        var agents = new[] { Agent(9), Agent(3), Agent(5) };
        foreach (var order in new[] { agents, agents.Reverse().ToArray(), [agents[1], agents[2], agents[0]] })
        {
            var d = Choose(InWest, order, Zones);
            Assert.Equal(3, d.Agent!.AgentId);
            Assert.EndsWith("tie broken by agent number", d.Reason);
        }
    }

    [Fact]
    public void A_single_candidate_is_named_as_such()
    {
        Assert.Equal("zone West, skill electrical, 1 open, only candidate", Choose(InWest, [Agent(1, open: [Priority.P3])], Zones).Reason);
    }

    [Fact]
    public void Workload_outranks_distance_and_distance_outranks_idleness()
    {
        var near = Agent(1, open: [Priority.P3], at: (0.5, 0.5), lastActive: T0);
        var far = Agent(2, at: (0.9, 0.9), lastActive: T0.AddDays(1));
        var idleFar = Agent(3, at: (0.95, 0.95), lastActive: T0.AddDays(-3));
        Assert.Equal([2, 3, 1], Choose(InWest, [near, far, idleFar], Zones).Ranked.Select(c => c.Agent.AgentId));
    }
}
