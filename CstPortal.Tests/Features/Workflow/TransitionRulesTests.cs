using CstPortal.Features.Workflow;

namespace CstPortal.Tests.Features.Workflow;

/// <summary>
/// Every state × action × party, against the workflow as the foundation issue states it
/// (written out here independently of the table in the app).
/// </summary>
public class TransitionRulesTests
{
    private static readonly DateTime Now = new(2026, 11, 2, 12, 0, 0, DateTimeKind.Utc);

    // action → (from states, parties allowed, resulting state), straight from the issue text.
    private static readonly Dictionary<WorkflowAction, (RequestStatus[] From, Party Allowed, RequestStatus To)> Spec = new()
    {
        [WorkflowAction.Triage] = ([RequestStatus.New], Party.Dispatcher, RequestStatus.Triaged),
        [WorkflowAction.Assign] = ([RequestStatus.Triaged], Party.Dispatcher | Party.Supervisor | Party.System, RequestStatus.Assigned),
        [WorkflowAction.Unassign] = ([RequestStatus.Assigned], Party.Dispatcher | Party.Supervisor | Party.AssignedAgent, RequestStatus.Triaged),
        [WorkflowAction.Start] = ([RequestStatus.Assigned], Party.AssignedAgent, RequestStatus.InProgress),
        [WorkflowAction.Resolve] = ([RequestStatus.InProgress], Party.AssignedAgent, RequestStatus.Resolved),
        [WorkflowAction.Reopen] = ([RequestStatus.Resolved], Party.Reporter | Party.Supervisor, RequestStatus.InProgress),
        [WorkflowAction.Close] = ([RequestStatus.Resolved], Party.Reporter | Party.Supervisor | Party.System, RequestStatus.Closed),
        [WorkflowAction.CloseWithReason] = (
            [RequestStatus.New, RequestStatus.Triaged, RequestStatus.Assigned, RequestStatus.InProgress],
            Party.Dispatcher | Party.Supervisor, RequestStatus.Closed),
    };

    private static readonly Party[] SingleParties =
        [Party.None, Party.Dispatcher, Party.Supervisor, Party.AssignedAgent, Party.Reporter, Party.System];

    public static TheoryData<RequestStatus, WorkflowAction, Party> AllCombinations()
    {
        var data = new TheoryData<RequestStatus, WorkflowAction, Party>();
        foreach (var s in Enum.GetValues<RequestStatus>())
            foreach (var a in Enum.GetValues<WorkflowAction>())
                foreach (var p in SingleParties)
                    data.Add(s, a, p);
        return data;
    }

    /// <summary>Facts that satisfy every precondition, so only state and role decide.</summary>
    private static TransitionFacts Complete => new()
    {
        Reason = "Because", ResolutionNote = "Filled the hole", CategoryAndPriorityConfirmed = true,
        AssigneeIsActive = true, CloseReason = CloseReason.Invalid, MasterRequestIsValid = true,
        ResolvedAt = Now.AddDays(-1), Now = Now,
    };

    [Theory]
    [MemberData(nameof(AllCombinations))]
    public void Transition_is_allowed_exactly_for_the_states_and_parties_the_workflow_names(RequestStatus from, WorkflowAction action, Party party)
    {
        var spec = Spec[action];
        var expected = spec.From.Contains(from) && (spec.Allowed & party) != 0;

        var result = TransitionRules.Check(from, action, party, Complete);

        Assert.Equal(expected, result.Succeeded);
        if (expected) Assert.Equal(spec.To, result.Value);
        else Assert.False(string.IsNullOrWhiteSpace(result.Error));
    }

    [Fact]
    public void Every_action_is_in_the_table_once() =>
        Assert.Equal(Enum.GetValues<WorkflowAction>().Order(), TransitionRules.Table.Select(r => r.Action).Order());

    [Fact]
    public void Closed_requests_allow_nothing()
    {
        foreach (var p in SingleParties)
            Assert.Empty(TransitionRules.AvailableActions(RequestStatus.Closed, p));
    }

    [Fact]
    public void Triage_needs_category_and_priority_confirmed()
    {
        var r = TransitionRules.Check(RequestStatus.New, WorkflowAction.Triage, Party.Dispatcher, Complete with { CategoryAndPriorityConfirmed = false });
        Assert.False(r.Succeeded);
        Assert.Contains("category", r.Error);
    }

    [Fact]
    public void Assign_needs_an_active_assignee()
    {
        var r = TransitionRules.Check(RequestStatus.Triaged, WorkflowAction.Assign, Party.Dispatcher, Complete with { AssigneeIsActive = false });
        Assert.False(r.Succeeded);
        Assert.Contains("active", r.Error);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Agent_cannot_resolve_without_resolution_note(string? note)
    {
        var r = TransitionRules.Check(RequestStatus.InProgress, WorkflowAction.Resolve, Party.AssignedAgent, Complete with { ResolutionNote = note });
        Assert.False(r.Succeeded);
        Assert.Contains("resolution note", r.Error);
    }

    [Fact]
    public void Agent_handing_back_must_give_a_reason_but_a_dispatcher_need_not()
    {
        Assert.False(TransitionRules.Check(RequestStatus.Assigned, WorkflowAction.Unassign, Party.AssignedAgent, Complete with { Reason = null }).Succeeded);
        Assert.True(TransitionRules.Check(RequestStatus.Assigned, WorkflowAction.Unassign, Party.Dispatcher, Complete with { Reason = null }).Succeeded);
    }

    [Theory]
    [InlineData(Party.Reporter, 6.9, true)]
    [InlineData(Party.Reporter, 7.1, false)]
    [InlineData(Party.Supervisor, 30, true)]
    public void Reporter_may_reopen_within_seven_days_supervisor_any_time(Party party, double daysSinceResolved, bool allowed)
    {
        var facts = Complete with { ResolvedAt = Now.AddDays(-daysSinceResolved) };
        Assert.Equal(allowed, TransitionRules.Check(RequestStatus.Resolved, WorkflowAction.Reopen, party, facts).Succeeded);
    }

    [Fact]
    public void Reopen_needs_a_reason() =>
        Assert.False(TransitionRules.Check(RequestStatus.Resolved, WorkflowAction.Reopen, Party.Supervisor, Complete with { Reason = " " }).Succeeded);

    [Fact]
    public void Close_with_reason_needs_a_reason_and_a_master_for_duplicates()
    {
        Assert.False(TransitionRules.Check(RequestStatus.New, WorkflowAction.CloseWithReason, Party.Dispatcher, Complete with { CloseReason = null }).Succeeded);
        var dup = Complete with { CloseReason = CloseReason.Duplicate, MasterRequestIsValid = false };
        var r = TransitionRules.Check(RequestStatus.New, WorkflowAction.CloseWithReason, Party.Dispatcher, dup);
        Assert.False(r.Succeeded);
        Assert.Contains("duplicates", r.Error);
        Assert.True(TransitionRules.Check(RequestStatus.New, WorkflowAction.CloseWithReason, Party.Dispatcher, dup with { MasterRequestIsValid = true }).Succeeded);
        var master = TransitionRules.Check(RequestStatus.New, WorkflowAction.CloseWithReason, Party.Dispatcher, dup with { MasterRequestIsValid = true, HasDuplicatesMergedIn = true });
        Assert.False(master.Succeeded); // a master is not merged away: no chains
        Assert.Contains("merged into this one", master.Error);
        Assert.True(TransitionRules.Check(RequestStatus.New, WorkflowAction.CloseWithReason, Party.Dispatcher, Complete with { HasDuplicatesMergedIn = true }).Succeeded);
    }

    [Fact]
    public void A_party_that_is_several_things_gets_the_union_of_their_rights()
    {
        var reporterWhoIsSupervisor = Party.Reporter | Party.Supervisor;
        var actions = TransitionRules.AvailableActions(RequestStatus.Resolved, reporterWhoIsSupervisor);
        Assert.Equal([WorkflowAction.Reopen, WorkflowAction.Close], actions);
    }
}
