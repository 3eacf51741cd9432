using CstPortal.Features.Workflow;

namespace CstPortal.Features.Requests;

/// <summary>One row of a request list.</summary>
public sealed record RequestSummary(
    string Number, string CategoryName, string CategoryGroup, Priority Priority, RequestStatus Status,
    string ZoneName, string? Address, DateTime CreatedAt, DateTime? ResponseDueAt, DateTime? ResolutionDueAt,
    DateTime? ResolvedAt, string? AssigneeName, double Latitude, double Longitude);

public sealed record RequestFilter
{
    public RequestStatus? Status { get; init; }
    public bool OpenOnly { get; init; }
    public int? CategoryId { get; init; }
    public int? ZoneId { get; init; }
    public int? AssignedAgentId { get; init; }
    public string? ReporterUserId { get; init; }
    /// <summary>Requests this user reported or joined as a supporter (the citizen's "My requests").</summary>
    public string? ReporterOrSupporterUserId { get; init; }
    public string? Search { get; init; }
    public int Page { get; init; } = 1;
    public int PageSize { get; init; } = 25;
}

public sealed record Paged<T>(IReadOnlyList<T> Items, int Total, int Page, int PageSize)
{
    public int Pages => Math.Max(1, (Total + PageSize - 1) / PageSize);
}

public sealed record TimelineEntry(DateTime At, string Kind, string Title, string? Detail, string? Who);

/// <summary>Everything a page shows about one request. Personal data is present only for staff viewers.</summary>
public sealed record RequestDetails(
    string Number, long Version, RequestStatus Status, string CategoryName, string CategoryGroup, int CategoryId,
    Priority Priority, string Description, double Latitude, double Longitude, string? Address, string ZoneName,
    DateTime CreatedAt, DateTime? ResponseDueAt, DateTime? ResolutionDueAt, DateTime? AssignedAt, DateTime? ResolvedAt,
    string? TeamName, string? AgentName, string? ResolutionNote, CloseReason? CloseReason, string? MasterNumber,
    int SupporterCount, IReadOnlyList<KeyValuePair<string, string>> Answers, IReadOnlyList<TimelineEntry> Timeline,
    IReadOnlyList<TimelineEntry> InternalNotes, string? ReporterName, IReadOnlyList<WorkflowAction> AvailableActions,
    bool CanRecordArrival);

/// <summary>What the assignment form offers: agents with their team, zones, skills and open workload.</summary>
public sealed record AssigneeOption(int? AgentId, int TeamId, string Label, int OpenWorkload, int Capacity);

public sealed record CategoryOption(int Id, string Name, string Group, Priority DefaultPriority);

public sealed record SubmitReceipt(string Number, string? TrackingCode, DateTime? ResponseDueAt, DateTime? ResolutionDueAt);
