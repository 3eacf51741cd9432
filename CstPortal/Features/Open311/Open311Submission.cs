namespace CstPortal.Features.Open311;

/// <summary>
/// A request posted through Open311: its token (GET tokens/{token}), the Idempotency-Key it came with,
/// and the media link the client sent. A row is written before the request is created (claiming the
/// idempotency key), and completed with the request number once it exists.
/// </summary>
public class Open311Submission
{
    public long Id { get; set; }
    public string Token { get; set; } = "";
    public int ApiKeyId { get; set; }
    public string? IdempotencyKey { get; set; }
    /// <summary>SHA-256 of the posted form, so a reused Idempotency-Key with a different body is refused.</summary>
    public string BodyHash { get; set; } = "";
    public string? RequestNumber { get; set; }
    public string? MediaUrl { get; set; }
    public DateTime CreatedAt { get; set; }
}
