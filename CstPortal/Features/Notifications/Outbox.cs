using CstPortal.Data;

namespace CstPortal.Features.Notifications;

/// <summary>Queues notifications inside the caller's unit of work; they are saved with the change that causes them.</summary>
public static class Outbox
{
    public static void Enqueue(CstDbContext db, DateTime now, NotificationChannel channel, string subject, string body,
        string? recipientUserId = null, string? recipientEmail = null, string? requestNumber = null, string? deduplicationKey = null)
    {
        if (recipientUserId is null && recipientEmail is null)
            throw new ArgumentException("A notification needs a recipient.");
        db.Outbox.Add(new OutboxMessage
        {
            CreatedAt = now, Channel = channel, Subject = subject, Body = body, RecipientUserId = recipientUserId,
            RecipientEmail = recipientEmail, RequestNumber = requestNumber, DeduplicationKey = deduplicationKey, NextAttemptAt = now,
        });
    }

    /// <summary>Queues a notification of a kind (<see cref="NotificationTexts"/>), worded in its recipient's language.</summary>
    public static async Task EnqueueAsync(CstDbContext db, DateTime now, NotificationChannel channel, string kind,
        Func<IReadOnlyDictionary<string, string>> values, string? recipientUserId = null, string? recipientEmail = null,
        string? requestNumber = null, string? deduplicationKey = null, CancellationToken ct = default)
    {
        var culture = await NotificationTexts.RecipientCultureAsync(db, recipientUserId, recipientEmail, ct);
        var (subject, body) = await NotificationTexts.RenderAsync(db, kind, culture, values, ct);
        Enqueue(db, now, channel, subject, body, recipientUserId, recipientEmail, requestNumber, deduplicationKey);
    }
}
