namespace CstPortal.Features.Duplicates;

/// <summary>
/// Someone who reported or supports the same problem as a request: a signed-in user or an email
/// (anonymous reporter). Merging a duplicate moves its reporter and supporters here.
/// </summary>
public class RequestSupporter
{
    public long Id { get; set; }
    public int RequestId { get; set; }
    public string? UserId { get; set; }
    public string? Email { get; set; }
    public DateTime At { get; set; }
}
