using CstPortal.Common;

namespace CstPortal.Features.Notifications;

/// <summary>In-app notifications arrived or were read; the bell re-reads its count.</summary>
public sealed record NotificationsChanged;

/// <summary>
/// Tells open pages (the bell) on every node that in-app notifications arrived or were read.
/// Subscribers get an IDisposable and re-render through InvokeAsync.
/// </summary>
public sealed class NotificationEvents(ILiveBackplane backplane) : LiveEventHub<NotificationsChanged>(backplane, "notifications")
{
    private static readonly NotificationsChanged Changed = new();

    public IDisposable Subscribe(Func<Task> handler) => Subscribe(_ => handler());

    public void Publish() => Publish(Changed);
}
