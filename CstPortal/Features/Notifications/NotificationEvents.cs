namespace CstPortal.Features.Notifications;

/// <summary>
/// One singleton that tells open pages (the bell) that in-app notifications arrived or were read.
/// Subscribers get an IDisposable and re-render through InvokeAsync.
/// </summary>
public sealed class NotificationEvents
{
    private readonly Lock _gate = new();
    private readonly List<Func<Task>> _handlers = [];

    public IDisposable Subscribe(Func<Task> handler)
    {
        lock (_gate) _handlers.Add(handler);
        return new Subscription(this, handler);
    }

    public void Publish()
    {
        Func<Task>[] handlers;
        lock (_gate) handlers = [.. _handlers];
        foreach (var handler in handlers) _ = SafeInvoke(handler);
    }

    private static async Task SafeInvoke(Func<Task> handler)
    {
        try { await handler(); }
        catch (ObjectDisposedException) { /* the circuit went away */ }
    }

    private sealed class Subscription(NotificationEvents owner, Func<Task> handler) : IDisposable
    {
        public void Dispose()
        {
            lock (owner._gate) owner._handlers.Remove(handler);
        }
    }
}
