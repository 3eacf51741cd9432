namespace CstPortal.Features.Requests;

/// <summary>
/// Someone who reported the same problem and joined an existing request instead of opening a new one:
/// a signed-in user, or an anonymous person who may have left an email to hear about progress.
/// </summary>
public class RequestSupporter
{
    public long Id { get; set; }
    public int ServiceRequestId { get; set; }
    public string? UserId { get; set; }
    public string? Email { get; set; }
    public DateTime At { get; set; }
}
