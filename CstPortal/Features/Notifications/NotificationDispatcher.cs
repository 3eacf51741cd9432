using CstPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace CstPortal.Features.Notifications;

public sealed record DispatchResult(int Sent, int Failed);

/// <summary>
/// Delivers due outbox messages. Each message is first claimed with one atomic update (unsent, due, not locked),
/// so two dispatchers never send the same message; it is then marked sent, or given back with a later attempt
/// time (exponential back-off, 1 min doubling to at most 6 h) and the error. After <see cref="MaxAttempts"/>
/// a message stays unsent with its last error for a person to look at.
/// </summary>
public sealed class NotificationDispatcher(IDbContextFactory<CstDbContext> dbFactory, TimeProvider clock, MailSender mail, NotificationEvents events, ILogger<NotificationDispatcher> log)
{
    public const int MaxAttempts = 10;
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    public static TimeSpan BackOff(int attempts) => TimeSpan.FromMinutes(Math.Min(Math.Pow(2, Math.Max(0, attempts - 1)), 360));

    public async Task<DispatchResult> DispatchDueAsync(int batch = 100, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var due = await db.Outbox.AsNoTracking()
            .Where(m => m.SentAt == null && m.NextAttemptAt != null && m.NextAttemptAt <= now)
            .OrderBy(m => m.NextAttemptAt).Take(batch).Select(m => m.Id).ToListAsync(ct);
        int sent = 0, failed = 0;
        var inApp = false;
        foreach (var id in due)
        {
            var claimed = await db.Outbox
                .Where(m => m.Id == id && m.SentAt == null && m.NextAttemptAt != null && m.NextAttemptAt <= now && (m.LockedUntil == null || m.LockedUntil < now))
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.LockedUntil, now + Lease).SetProperty(m => m.Attempts, m => m.Attempts + 1), ct);
            if (claimed == 0) continue;
            var message = await db.Outbox.AsNoTracking().SingleAsync(m => m.Id == id, ct);
            try
            {
                if (message.Channel == NotificationChannel.Email)
                {
                    var to = message.RecipientEmail ?? await db.Users.Where(u => u.Id == message.RecipientUserId).Select(u => u.Email).SingleOrDefaultAsync(ct)
                        ?? throw new InvalidOperationException("The recipient has no email address.");
                    await mail.SendAsync(to, message.Subject, message.Body, $"outbox-{message.Id}@cstportal", ct);
                }
                else
                {
                    if (message.RecipientUserId is null) throw new InvalidOperationException("An in-app notification needs a user.");
                    inApp = true; // delivered by being marked sent: the bell shows sent, unread messages
                }
                await db.Outbox.Where(m => m.Id == id)
                    .ExecuteUpdateAsync(s => s.SetProperty(m => m.SentAt, now).SetProperty(m => m.LockedUntil, (DateTime?)null).SetProperty(m => m.LastError, (string?)null), ct);
                sent++;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                var attempts = message.Attempts;
                DateTime? next = attempts >= MaxAttempts ? null : now + BackOff(attempts);
                var error = ex.Message.Length > 2000 ? ex.Message[..2000] : ex.Message;
                await db.Outbox.Where(m => m.Id == id).ExecuteUpdateAsync(s => s
                    .SetProperty(m => m.NextAttemptAt, next).SetProperty(m => m.LockedUntil, (DateTime?)null).SetProperty(m => m.LastError, error), ct);
                log.LogWarning("Notification {Id} failed (attempt {Attempts}): {Error}", id, attempts, Common.LogSafe.Value(error));
                failed++;
            }
        }
        if (inApp) events.Publish();
        return new DispatchResult(sent, failed);
    }
}
