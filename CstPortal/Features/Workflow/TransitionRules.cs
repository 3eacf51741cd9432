using CstPortal.Common;

namespace CstPortal.Features.Workflow;

/// <summary>What the caller knows about a proposed transition, checked against the rules.</summary>
public sealed record TransitionFacts
{
    public string? Reason { get; init; }
    public string? ResolutionNote { get; init; }
    /// <summary>Triage: the category exists and a priority P1–P4 was chosen.</summary>
    public bool CategoryAndPriorityConfirmed { get; init; }
    /// <summary>Assign: the chosen agent or team exists and is active.</summary>
    public bool AssigneeIsActive { get; init; }
    public CloseReason? CloseReason { get; init; }
    /// <summary>Close as duplicate: the master request exists, is another request and is not itself closed as duplicate.</summary>
    public bool MasterRequestIsValid { get; init; }
    /// <summary>Close as duplicate: other requests are already merged into this one (merging it away would make a chain).</summary>
    public bool HasDuplicatesMergedIn { get; init; }
    /// <summary>When the request was resolved (for the reporter's reopen window).</summary>
    public DateTime? ResolvedAt { get; init; }
    public DateTime Now { get; init; }
}

/// <summary>
/// The workflow as data: for each action, the state it leaves, the state it reaches and who may take it,
/// then the preconditions. Pure code: no database, no UI, no clock of its own.
/// </summary>
public static class TransitionRules
{
    public static readonly TimeSpan ReporterReopenWindow = TimeSpan.FromDays(7);

    public sealed record Rule(WorkflowAction Action, RequestStatus[] From, RequestStatus To, Party AllowedParties);

    public static readonly IReadOnlyList<Rule> Table =
    [
        new(WorkflowAction.Triage, [RequestStatus.New], RequestStatus.Triaged, Party.Dispatcher),
        new(WorkflowAction.Assign, [RequestStatus.Triaged], RequestStatus.Assigned, Party.Dispatcher | Party.Supervisor | Party.System),
        new(WorkflowAction.Unassign, [RequestStatus.Assigned], RequestStatus.Triaged, Party.Dispatcher | Party.Supervisor | Party.AssignedAgent),
        new(WorkflowAction.Start, [RequestStatus.Assigned], RequestStatus.InProgress, Party.AssignedAgent),
        new(WorkflowAction.Resolve, [RequestStatus.InProgress], RequestStatus.Resolved, Party.AssignedAgent),
        new(WorkflowAction.Reopen, [RequestStatus.Resolved], RequestStatus.InProgress, Party.Reporter | Party.Supervisor),
        new(WorkflowAction.Close, [RequestStatus.Resolved], RequestStatus.Closed, Party.Reporter | Party.Supervisor | Party.System),
        new(WorkflowAction.CloseWithReason, RequestStatusExtensions.OpenStatuses, RequestStatus.Closed, Party.Dispatcher | Party.Supervisor),
    ];

    public static Rule RuleFor(WorkflowAction action) => Table.Single(r => r.Action == action);

    /// <summary>The actions this party may take from this state (preconditions aside): what a UI offers.</summary>
    public static IReadOnlyList<WorkflowAction> AvailableActions(RequestStatus from, Party party) =>
        Table.Where(r => r.From.Contains(from) && (r.AllowedParties & party) != 0).Select(r => r.Action).ToList();

    /// <summary>Checks one transition; on success gives the new state.</summary>
    public static Result<RequestStatus> Check(RequestStatus from, WorkflowAction action, Party party, TransitionFacts facts)
    {
        var rule = RuleFor(action);
        if (!rule.From.Contains(from))
            return Result<RequestStatus>.Fail(NotFrom(action, StateWord(from)));

        var acting = rule.AllowedParties & party;
        if (acting == Party.None)
            return Result<RequestStatus>.Fail(NotAllowed(action));

        var problem = action switch
        {
            WorkflowAction.Triage when !facts.CategoryAndPriorityConfirmed =>
                Texts.Get("Confirm the category and the priority before triaging."),
            WorkflowAction.Assign when !facts.AssigneeIsActive =>
                Texts.Get("Choose an active agent or team to assign the request to."),
            WorkflowAction.Unassign when acting == Party.AssignedAgent && IsBlank(facts.Reason) =>
                Texts.Get("Say why you are handing the request back."),
            WorkflowAction.Resolve when IsBlank(facts.ResolutionNote) =>
                Texts.Get("A resolution note is required: say what was done."),
            WorkflowAction.Reopen when IsBlank(facts.Reason) =>
                Texts.Get("Say why the request should be reopened."),
            WorkflowAction.Reopen when (acting & Party.Supervisor) == 0 && !WithinReopenWindow(facts) =>
                Texts.Get("The request was resolved more than 7 days ago; contact the municipality to reopen it."),
            WorkflowAction.CloseWithReason when facts.CloseReason is null =>
                Texts.Get("Choose why the request is closed: duplicate, invalid or not the municipality's responsibility."),
            WorkflowAction.CloseWithReason when facts.CloseReason == CloseReason.Duplicate && !facts.MasterRequestIsValid =>
                Texts.Get("Name the request this one duplicates."),
            WorkflowAction.CloseWithReason when facts.CloseReason == CloseReason.Duplicate && facts.HasDuplicatesMergedIn =>
                Texts.Get("Other requests are already merged into this one: merge the other request into this one instead."),
            _ => null,
        };
        return problem is null ? Result<RequestStatus>.Ok(rule.To) : Result<RequestStatus>.Fail(problem);
    }

    private static bool WithinReopenWindow(TransitionFacts facts) =>
        facts.ResolvedAt is { } resolved && facts.Now - resolved <= ReporterReopenWindow;

    private static bool IsBlank(string? s) => string.IsNullOrWhiteSpace(s);

    public static string Describe(RequestStatus s) => s switch
    {
        RequestStatus.InProgress => "in progress",
        _ => s.ToString().ToLowerInvariant(),
    };

    // The status label in the reader's language, in lower case where the language has case ("in progress"; Arabic has none).
    private static string StateWord(RequestStatus s) => Texts.Get(s.Label()).ToLower(System.Globalization.CultureInfo.CurrentCulture);

    // One whole sentence per action (Arabic does not glue a verb into a fixed frame); the state is a translated word.
    private static string NotFrom(WorkflowAction a, string state) => a switch
    {
        WorkflowAction.Triage => Texts.Get("A request that is {0} cannot be triaged.", state),
        WorkflowAction.Assign => Texts.Get("A request that is {0} cannot be assigned.", state),
        WorkflowAction.Unassign => Texts.Get("A request that is {0} cannot be unassigned.", state),
        WorkflowAction.Start => Texts.Get("A request that is {0} cannot be started.", state),
        WorkflowAction.Resolve => Texts.Get("A request that is {0} cannot be resolved.", state),
        WorkflowAction.Reopen => Texts.Get("A request that is {0} cannot be reopened.", state),
        _ => Texts.Get("A request that is {0} cannot be closed.", state),
    };

    private static string NotAllowed(WorkflowAction a) => a switch
    {
        WorkflowAction.Triage => Texts.Get("You are not allowed to triage this request."),
        WorkflowAction.Assign => Texts.Get("You are not allowed to assign this request."),
        WorkflowAction.Unassign => Texts.Get("You are not allowed to unassign this request."),
        WorkflowAction.Start => Texts.Get("You are not allowed to start this request."),
        WorkflowAction.Resolve => Texts.Get("You are not allowed to resolve this request."),
        WorkflowAction.Reopen => Texts.Get("You are not allowed to reopen this request."),
        _ => Texts.Get("You are not allowed to close this request."),
    };
}
