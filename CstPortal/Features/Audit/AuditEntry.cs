namespace CstPortal.Features.Audit;

/// <summary>
/// One link of the append-only audit chain. Hash = SHA-256(PreviousHash + canonical content), so
/// changing or removing any entry breaks every hash after it. Database triggers refuse UPDATE and DELETE.
/// </summary>
public sealed record AuditEntry
{
    public long Id { get; init; }
    /// <summary>1, 2, 3, ... unique: two writers cannot both append the same link (the chain cannot fork).</summary>
    public long Sequence { get; init; }
    public DateTime At { get; init; }
    public string? ActorUserId { get; init; }
    public string ActorName { get; init; } = "";
    public string Action { get; init; } = "";
    public string EntityType { get; init; } = "";
    public string EntityId { get; init; } = "";
    /// <summary>What changed, as compact JSON.</summary>
    public string Data { get; init; } = "{}";
    public string PreviousHash { get; init; } = "";
    public string Hash { get; init; } = "";
}
