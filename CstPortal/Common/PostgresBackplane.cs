using System.Text.Json;
using System.Threading.Channels;
using Npgsql;

namespace CstPortal.Common;

/// <summary>
/// The live-update backplane of a PostgreSQL cluster: every node LISTENs on one channel over a dedicated connection
/// (reconnected with back-off when it drops) and sends with NOTIFY through the pool. A message is the event's JSON
/// with the topic and the sending node's id; a node ignores its own. PostgreSQL delivers a NOTIFY only when its
/// transaction commits, in order, to every session listening at that moment; one that is reconnecting misses what
/// was sent meanwhile, which costs a page one live refresh, never data.
/// </summary>
public sealed class PostgresBackplane : ILiveBackplane, IHostedService, IAsyncDisposable
{
    public const string Channel = "cst_live";
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);

    private readonly NpgsqlDataSource _sendPool;
    private readonly string _listenConnectionString;
    private readonly ILogger<PostgresBackplane> _log;
    private readonly TopicListeners _listeners = new();
    private readonly Channel<Envelope> _outgoing = System.Threading.Channels.Channel.CreateBounded<Envelope>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private TaskCompletionSource _listening = NewSignal();
    private Task _sender = Task.CompletedTask, _receiver = Task.CompletedTask;

    /// <summary>This node's id in the messages it sends.</summary>
    public string NodeId { get; } = Guid.NewGuid().ToString("N");

    private sealed record Envelope(string Node, string Topic, string Event);

    public PostgresBackplane(string connectionString, ILogger<PostgresBackplane> log)
    {
        _log = log;
        _sendPool = NpgsqlDataSource.Create(connectionString);
        // The listening session is one long-lived connection of its own, outside the pool; keepalives find a
        // connection that died quietly (a restarted server, a dropped network) so the loop reconnects.
        _listenConnectionString = new NpgsqlConnectionStringBuilder(connectionString)
        { Pooling = false, KeepAlive = 15, ApplicationName = "CstPortal live updates" }.ConnectionString;
    }

    /// <summary>Completes when this node is listening (again, after a reconnect).</summary>
    public Task Listening => Volatile.Read(ref _listening).Task;

    public void Send(string topic, string json) => _outgoing.Writer.TryWrite(new Envelope(NodeId, topic, json));

    public IDisposable Listen(string topic, Action<string> onRemote) => _listeners.Add(topic, onRemote);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _receiver = Task.Run(() => ReceiveAsync(_stop.Token), CancellationToken.None);
        _sender = Task.Run(() => SendAsync(_stop.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>Stops once: the host stops it and the container disposes it, in either order (a second call awaits the first).</summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        var stopping = new Lazy<Task>(StopOnceAsync);
        return (Interlocked.CompareExchange(ref _stopping, stopping, null) ?? stopping).Value;
    }

    private Lazy<Task>? _stopping;

    private async Task StopOnceAsync()
    {
        _outgoing.Writer.TryComplete();
        await _sender.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        await _stop.CancelAsync();
        await Task.WhenAll(_sender, _receiver).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private async Task SendAsync(CancellationToken ct)
    {
        var backoff = TimeSpan.FromMilliseconds(200);
        await foreach (var envelope in _outgoing.Reader.ReadAllAsync(ct))
        {
            var payload = JsonSerializer.Serialize(envelope);
            while (true)
            {
                try
                {
                    await using var command = _sendPool.CreateCommand("SELECT pg_notify(@channel, @payload)");
                    command.Parameters.AddWithValue("channel", Channel);
                    command.Parameters.AddWithValue("payload", payload);
                    await command.ExecuteNonQueryAsync(ct);
                    backoff = TimeSpan.FromMilliseconds(200);
                    break;
                }
                catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException && !ct.IsCancellationRequested)
                {
                    _log.LogWarning(ex, "A live event could not be sent to the other nodes; retrying in {Delay}", backoff);
                    await Task.Delay(backoff, ct);
                    backoff = Min(backoff * 2, MaxBackoff);
                }
            }
        }
    }

    private async Task ReceiveAsync(CancellationToken ct)
    {
        var backoff = TimeSpan.FromMilliseconds(200);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(_listenConnectionString);
                await connection.OpenAsync(ct);
                connection.Notification += (_, e) => Receive(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                    await listen.ExecuteNonQueryAsync(ct);
                backoff = TimeSpan.FromMilliseconds(200);
                Volatile.Read(ref _listening).TrySetResult();
                _log.LogInformation("Listening for live events from other nodes (node {Node})", NodeId);
                while (true) await connection.WaitAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                if (Listening.IsCompleted) Interlocked.Exchange(ref _listening, NewSignal());
                _log.LogWarning(ex, "The live-event connection to PostgreSQL failed; reconnecting in {Delay}", backoff);
                try { await Task.Delay(backoff, ct); } catch (OperationCanceledException) { return; }
                backoff = Min(backoff * 2, MaxBackoff);
            }
        }
    }

    private void Receive(string payload)
    {
        Envelope? envelope;
        try { envelope = JsonSerializer.Deserialize<Envelope>(payload); }
        catch (JsonException) { envelope = null; }
        if (envelope is null || envelope.Node == NodeId) return; // not ours to read, or our own echo
        _listeners.Deliver(envelope.Topic, envelope.Event, _log);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None);
        await _sendPool.DisposeAsync();
        _stop.Dispose();
    }
}
