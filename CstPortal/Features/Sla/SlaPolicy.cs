using CstPortal.Features.Requests;

namespace CstPortal.Features.Sla;

/// <summary>Targets for one category at one priority.</summary>
public class SlaPolicy
{
    public int Id { get; set; }
    public int CategoryId { get; set; }
    public Priority Priority { get; set; }
    /// <summary>Hours from submission until the request should be assigned.</summary>
    public double ResponseHours { get; set; }
    /// <summary>Hours from submission until the request should be resolved.</summary>
    public double ResolutionHours { get; set; }
    /// <summary>Count the hours in the business calendar's working hours instead of calendar hours.</summary>
    public bool UseWorkingHours { get; set; }
}
