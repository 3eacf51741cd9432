namespace CstPortal.Features.Sla;

public enum PerformanceEvent
{
    Breached,
    Escalated,
    Met,
    Missed,
}

/// <summary>
/// One link of the append-only, hash-chained performance log: a breach, an escalation or a target met
/// (or missed) with who had the request then. Triggers in the database refuse UPDATE and DELETE.
/// </summary>
public sealed record PerformanceEntry
{
    public long Id { get; init; }
    public long Sequence { get; init; }
    public DateTime At { get; init; }
    public PerformanceEvent Event { get; init; }
    public SlaTarget Target { get; init; }
    public int Level { get; init; }
    public int ServiceRequestId { get; init; }
    public string RequestNumber { get; init; } = "";
    public int CategoryId { get; init; }
    public int? TeamId { get; init; }
    public int? AgentId { get; init; }
    public DateTime DueAt { get; init; }
    /// <summary>When the target was met or missed, or when the breach/escalation was seen.</summary>
    public DateTime ActualAt { get; init; }
    public string PreviousHash { get; init; } = "";
    public string Hash { get; init; } = "";
}
