namespace CstPortal.Features.Notifications;

public enum NotificationChannel
{
    InApp,
    Email,
}

/// <summary>
/// A notification waiting to be delivered. Written in the same transaction as the change that causes it
/// (so a change is never saved without its notification, nor the other way round); a dispatcher job sends it.
/// </summary>
public class OutboxMessage
{
    public long Id { get; set; }
    public DateTime CreatedAt { get; set; }
    public NotificationChannel Channel { get; set; }
    /// <summary>A user of the app (in-app and email), or null for an email-only recipient such as an anonymous reporter.</summary>
    public string? RecipientUserId { get; set; }
    public string? RecipientEmail { get; set; }
    public string Subject { get; set; } = "";
    public string Body { get; set; } = "";
    /// <summary>The request it is about, if any (for links and grouping).</summary>
    public string? RequestNumber { get; set; }
    /// <summary>Makes a notification unique, so causes that run twice do not notify twice.</summary>
    public string? DeduplicationKey { get; set; }
    public DateTime? SentAt { get; set; }
    public DateTime? ReadAt { get; set; }
    public int Attempts { get; set; }
    public DateTime? NextAttemptAt { get; set; }
    public string? LastError { get; set; }
    /// <summary>Set while a dispatcher is sending it, so two dispatchers never both send it.</summary>
    public DateTime? LockedUntil { get; set; }
}
