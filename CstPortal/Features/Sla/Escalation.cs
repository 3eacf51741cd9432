namespace CstPortal.Features.Sla;

/// <summary>The two targets of a policy.</summary>
public enum SlaTarget
{
    /// <summary>From submission until the request is assigned.</summary>
    Response,
    /// <summary>From submission until the request is resolved.</summary>
    Resolution,
}

/// <summary>What starts an escalation level's clock.</summary>
public enum EscalationTrigger
{
    /// <summary>80% of the target's time used.</summary>
    AtRisk,
    /// <summary>The due time passed.</summary>
    Breached,
}

/// <summary>
/// One escalation level, as data admins edit. It fires once per request and target when
/// <see cref="Trigger"/> happened at least <see cref="HoursAfterTrigger"/> ago and the target is still open.
/// </summary>
public class EscalationRule
{
    public int Id { get; set; }
    /// <summary>1, 2, 3 ...: unique; also the order in which levels fire on catch-up.</summary>
    public int Level { get; set; }
    public string Name { get; set; } = "";
    public EscalationTrigger Trigger { get; set; }
    public double HoursAfterTrigger { get; set; }
    public bool NotifyAssignedAgent { get; set; }
    public bool NotifySupervisor { get; set; }
    public bool NotifyManagers { get; set; }
    /// <summary>Raise the request's priority one step (P4 → P3 ... P1 stays P1).</summary>
    public bool RaisePriority { get; set; }
    /// <summary>Put the request in the supervisor's escalated queue (see <see cref="SlaEscalation.InSupervisorQueue"/>).</summary>
    public bool MoveToSupervisorQueue { get; set; }
    public bool IsActive { get; set; } = true;

    /// <summary>The default set seeded in a new city.</summary>
    public static EscalationRule[] Defaults() =>
    [
        new() { Level = 1, Name = "At risk: tell the assigned agent", Trigger = EscalationTrigger.AtRisk, NotifyAssignedAgent = true },
        new() { Level = 2, Name = "Breached: tell the supervisor, raise priority", Trigger = EscalationTrigger.Breached, NotifySupervisor = true, RaisePriority = true },
        new() { Level = 3, Name = "24 h past breach: tell the manager, supervisor's queue", Trigger = EscalationTrigger.Breached, HoursAfterTrigger = 24, NotifyManagers = true, MoveToSupervisorQueue = true },
    ];
}

/// <summary>
/// Proof that a level fired for one request and target. The unique index on (request, target, level) is what
/// makes every level fire exactly once, whoever runs the sweep and however often. Level 0 records the breach itself.
/// </summary>
public class SlaEscalation
{
    public const int BreachLevel = 0;

    public long Id { get; set; }
    public int ServiceRequestId { get; set; }
    public SlaTarget Target { get; set; }
    public int Level { get; set; }
    public DateTime FiredAt { get; set; }
    /// <summary>
    /// "Moved to the supervisor's queue": the request shows in the supervisors' escalated queue until it is
    /// resolved; the agent stays assigned (the workflow lets only people unassign) and the supervisor decides.
    /// </summary>
    public bool InSupervisorQueue { get; set; }
}
