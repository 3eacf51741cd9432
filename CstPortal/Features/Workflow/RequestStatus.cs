namespace CstPortal.Features.Workflow;

/// <summary>Where a request stands. The order is the normal path through the workflow.</summary>
public enum RequestStatus
{
    New = 0,
    Triaged = 1,
    Assigned = 2,
    InProgress = 3,
    Resolved = 4,
    Closed = 5,
}

public enum WorkflowAction
{
    Triage,
    Assign,
    Unassign,
    Start,
    Resolve,
    Reopen,
    Close,
    CloseWithReason,
}

/// <summary>Why a request was closed without being fixed.</summary>
public enum CloseReason
{
    Duplicate,
    Invalid,
    NotOurResponsibility,
}

/// <summary>
/// Who the actor is with respect to one request. One actor may be several at once
/// (a supervisor who reported the problem is both Supervisor and Reporter).
/// </summary>
[Flags]
public enum Party
{
    None = 0,
    Dispatcher = 1,
    Supervisor = 2,
    AssignedAgent = 4,
    Reporter = 8,
    /// <summary>The application itself: the automatic assigner, the auto-close job.</summary>
    System = 16,
}

public static class RequestStatusExtensions
{
    /// <summary>Open means someone still has to act: everything before resolved.</summary>
    public static bool IsOpen(this RequestStatus s) => s is not (RequestStatus.Resolved or RequestStatus.Closed);

    public static readonly RequestStatus[] OpenStatuses =
        [RequestStatus.New, RequestStatus.Triaged, RequestStatus.Assigned, RequestStatus.InProgress];

    /// <summary>The status's name as people read it: a resource key ("In progress"), shown in the reader's language.</summary>
    public static string Label(this RequestStatus s) => s switch
    {
        RequestStatus.New => "New",
        RequestStatus.Triaged => "Triaged",
        RequestStatus.Assigned => "Assigned",
        RequestStatus.InProgress => "In progress",
        RequestStatus.Resolved => "Resolved",
        _ => "Closed",
    };

    public static string Code(this RequestStatus s) => s switch
    {
        RequestStatus.New => "new",
        RequestStatus.Triaged => "triaged",
        RequestStatus.Assigned => "assigned",
        RequestStatus.InProgress => "in_progress",
        RequestStatus.Resolved => "resolved",
        RequestStatus.Closed => "closed",
        _ => throw new ArgumentOutOfRangeException(nameof(s), s, null),
    };
}
