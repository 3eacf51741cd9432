namespace CstPortal.Features.Requests;

/// <summary>What changed, for live pages: a request's number and its new status.</summary>
public sealed record RequestChanged(string Number, string Status);

/// <summary>
/// One singleton that tells open pages (circuits) a request changed. Subscribers get an IDisposable
/// and must re-render through InvokeAsync. Services publish after their transaction commits.
/// </summary>
public sealed class RequestEvents
{
    private readonly Lock _gate = new();
    private readonly List<Func<RequestChanged, Task>> _handlers = [];

    public IDisposable Subscribe(Func<RequestChanged, Task> handler)
    {
        lock (_gate) _handlers.Add(handler);
        return new Subscription(this, handler);
    }

    public void Publish(RequestChanged change)
    {
        Func<RequestChanged, Task>[] handlers;
        lock (_gate) handlers = [.. _handlers];
        foreach (var handler in handlers)
            _ = SafeInvoke(handler, change);
    }

    private static async Task SafeInvoke(Func<RequestChanged, Task> handler, RequestChanged change)
    {
        try { await handler(change); }
        catch (ObjectDisposedException) { /* the circuit went away between publish and render */ }
    }

    private sealed class Subscription(RequestEvents owner, Func<RequestChanged, Task> handler) : IDisposable
    {
        public void Dispose()
        {
            lock (owner._gate) owner._handlers.Remove(handler);
        }
    }
}
