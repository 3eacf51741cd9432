using CstPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace CstPortal.Features.Notifications;

public sealed record NotificationItem(long Id, DateTime At, string Subject, string Body, string? RequestNumber, bool Read);

/// <summary>A staff member's in-app notifications: the bell's count and list, and marking them read.</summary>
public sealed class NotificationService(IDbContextFactory<CstDbContext> dbFactory, TimeProvider clock, NotificationEvents events)
{
    public async Task<int> UnreadCountAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Mine(db, userId).CountAsync(m => m.ReadAt == null, ct);
    }

    public async Task<IReadOnlyList<NotificationItem>> RecentAsync(string userId, int take = 20, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Mine(db, userId).OrderByDescending(m => m.SentAt).ThenByDescending(m => m.Id).Take(Math.Clamp(take, 1, 100))
            .Select(m => new NotificationItem(m.Id, m.SentAt!.Value, m.Subject, m.Body, m.RequestNumber, m.ReadAt != null)).ToListAsync(ct);
    }

    public async Task MarkAllReadAsync(string userId, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await Mine(db, userId).Where(m => m.ReadAt == null).ExecuteUpdateAsync(s => s.SetProperty(m => m.ReadAt, now), ct);
        events.Publish();
    }

    /// <summary>Called when notifications arrive or are read (from any circuit); re-render through InvokeAsync.</summary>
    public IDisposable Subscribe(Func<Task> onChange) => events.Subscribe(onChange);

    private static IQueryable<OutboxMessage> Mine(CstDbContext db, string userId) =>
        db.Outbox.AsNoTracking().Where(m => m.RecipientUserId == userId && m.Channel == NotificationChannel.InApp && m.SentAt != null);
}
