namespace CstPortal.Common;

/// <summary>
/// Carries live-update events (a request changed, notifications arrived) to the other nodes of a cluster, so a
/// circuit on one node hears what a user on another node did. Each event hub (RequestEvents, NotificationEvents)
/// tells its own node's subscribers itself and hands the event here for the others; what arrives from another node
/// is handed to <see cref="Listen"/>'s callback, never what this node sent.
/// </summary>
public interface ILiveBackplane
{
    /// <summary>Sends one event (a small JSON text) on a topic to every other node. Never blocks, never throws.</summary>
    void Send(string topic, string json);

    /// <summary>Calls <paramref name="onRemote"/> with each event on <paramref name="topic"/> that another node sent.</summary>
    IDisposable Listen(string topic, Action<string> onRemote);
}

/// <summary>One node, no other: nothing to send, nothing arrives. The default (SQLite runs on one machine).</summary>
public sealed class InProcessBackplane : ILiveBackplane
{
    public void Send(string topic, string json) { }

    public IDisposable Listen(string topic, Action<string> onRemote) => Nothing.Instance;

    private sealed class Nothing : IDisposable
    {
        public static readonly Nothing Instance = new();
        public void Dispose() { }
    }
}

/// <summary>Subscribers of one topic on this node, for the backplanes that deliver remote events.</summary>
internal sealed class TopicListeners
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<Action<string>>> _byTopic = [];

    public IDisposable Add(string topic, Action<string> handler)
    {
        lock (_gate)
        {
            if (!_byTopic.TryGetValue(topic, out var list)) _byTopic[topic] = list = [];
            list.Add(handler);
        }
        return new Removal(this, topic, handler);
    }

    public void Deliver(string topic, string json, ILogger log)
    {
        Action<string>[] handlers;
        lock (_gate) handlers = _byTopic.TryGetValue(topic, out var list) ? [.. list] : [];
        foreach (var handler in handlers)
        {
            try { handler(json); }
            catch (Exception ex) { log.LogWarning(ex, "A live event on {Topic} from another node could not be delivered", topic); }
        }
    }

    private sealed class Removal(TopicListeners owner, string topic, Action<string> handler) : IDisposable
    {
        public void Dispose()
        {
            lock (owner._gate) owner._byTopic.GetValueOrDefault(topic)?.Remove(handler);
        }
    }
}

/// <summary>
/// A singleton that tells open pages (circuits) on every node that something changed. Subscribers get an
/// IDisposable and must re-render through InvokeAsync. Services publish after their transaction commits: this
/// node's subscribers hear it at once, the other nodes' through the <see cref="ILiveBackplane"/> as JSON.
/// </summary>
public abstract class LiveEventHub<TEvent> : IDisposable
{
    private readonly Lock _gate = new();
    private readonly List<Func<TEvent, Task>> _handlers = [];
    private readonly ILiveBackplane _backplane;
    private readonly string _topic;
    private readonly IDisposable _remote;

    protected LiveEventHub(ILiveBackplane backplane, string topic)
    {
        _backplane = backplane;
        _topic = topic;
        _remote = backplane.Listen(topic, json =>
        {
            if (System.Text.Json.JsonSerializer.Deserialize<TEvent>(json) is { } change) Deliver(change);
        });
    }

    public IDisposable Subscribe(Func<TEvent, Task> handler)
    {
        lock (_gate) _handlers.Add(handler);
        return new Subscription(this, handler);
    }

    public void Publish(TEvent change)
    {
        Deliver(change);
        _backplane.Send(_topic, System.Text.Json.JsonSerializer.Serialize(change));
    }

    private void Deliver(TEvent change)
    {
        Func<TEvent, Task>[] handlers;
        lock (_gate) handlers = [.. _handlers];
        foreach (var handler in handlers)
            _ = SafeInvoke(handler, change);
    }

    private static async Task SafeInvoke(Func<TEvent, Task> handler, TEvent change)
    {
        try { await handler(change); }
        catch (ObjectDisposedException) { /* the circuit went away between publish and render */ }
    }

    public void Dispose() => _remote.Dispose();

    private sealed class Subscription(LiveEventHub<TEvent> owner, Func<TEvent, Task> handler) : IDisposable
    {
        public void Dispose()
        {
            lock (owner._gate) owner._handlers.Remove(handler);
        }
    }
}
