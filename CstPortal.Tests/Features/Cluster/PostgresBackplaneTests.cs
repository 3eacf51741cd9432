using CstPortal.Common;
using CstPortal.Features.Notifications;
using CstPortal.Features.Requests;
using CstPortal.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace CstPortal.Tests.Features.Cluster;

/// <summary>Two nodes' event hubs on one PostgreSQL database: what one node publishes, the other node's pages hear.</summary>
public sealed class PostgresBackplaneTests : IAsyncLifetime
{
    private string _database = "";
    private PostgresBackplane _nodeA = null!, _nodeB = null!;

    public async Task InitializeAsync()
    {
        _database = await TwoNodeCluster.NewDatabaseAsync();
        _nodeA = await StartAsync(_database);
        _nodeB = await StartAsync(_database);
    }

    private static async Task<PostgresBackplane> StartAsync(string database)
    {
        var node = new PostgresBackplane(database, NullLogger<PostgresBackplane>.Instance);
        await node.StartAsync(CancellationToken.None);
        await node.Listening.WaitAsync(TimeSpan.FromSeconds(30));
        return node;
    }

    [Fact]
    public async Task A_request_change_published_on_one_node_reaches_the_other_nodes_subscribers_once()
    {
        var onA = new RequestEvents(_nodeA);
        var onB = new RequestEvents(_nodeB);
        var heardOnA = new List<RequestChanged>();
        var heardOnB = new List<RequestChanged>();
        using var a = onA.Subscribe(c => { lock (heardOnA) heardOnA.Add(c); return Task.CompletedTask; });
        using var b = onB.Subscribe(c => { lock (heardOnB) heardOnB.Add(c); return Task.CompletedTask; });

        onA.Publish(new RequestChanged("CST-2026-000123", "in_progress"));
        onB.Publish(new RequestChanged("CST-2026-000456", "resolved")); // and back: each node hears the other

        await Eventually.TrueAsync(() => Task.FromResult(Count(heardOnB) == 2 && Count(heardOnA) == 2), TimeSpan.FromSeconds(15));
        lock (heardOnB) Assert.Equal([new RequestChanged("CST-2026-000123", "in_progress"), new RequestChanged("CST-2026-000456", "resolved")], heardOnB.OrderBy(c => c.Number));
        // Its own events reach a node once (locally), never a second time as an echo from the database.
        onA.Publish(new RequestChanged("CST-2026-000789", "closed"));
        await Eventually.TrueAsync(() => Task.FromResult(Count(heardOnB) == 3), TimeSpan.FromSeconds(15));
        onB.Publish(new RequestChanged("CST-2026-000999", "closed")); // a marker: A has read everything before it
        await Eventually.TrueAsync(() => Task.FromResult(Count(heardOnA) == 4), TimeSpan.FromSeconds(15));
        lock (heardOnA) Assert.Single(heardOnA, c => c.Number == "CST-2026-000789");
    }

    [Fact]
    public async Task The_notification_bell_on_another_node_hears_new_notifications()
    {
        var onA = new NotificationEvents(_nodeA);
        var onB = new NotificationEvents(_nodeB);
        var heard = 0;
        using var _ = onB.Subscribe(() => { Interlocked.Increment(ref heard); return Task.CompletedTask; });

        onA.Publish();

        await Eventually.TrueAsync(() => Task.FromResult(Volatile.Read(ref heard) == 1), TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task A_node_whose_listening_connection_is_killed_reconnects_and_hears_again()
    {
        var onA = new RequestEvents(_nodeA);
        var onB = new RequestEvents(_nodeB);
        var heard = new List<string>();
        using var _ = onB.Subscribe(c => { lock (heard) heard.Add(c.Number); return Task.CompletedTask; });

        // The server drops every listening session (as a restart or a network cut would).
        await using (var admin = new NpgsqlConnection(_database))
        {
            await admin.OpenAsync();
            await using var kill = new NpgsqlCommand(
                "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'CstPortal live updates' AND datname = current_database()", admin);
            Assert.Equal(2L, await kill.ExecuteScalarAsync());
        }

        // Events sent while B reconnects are missed (a page misses one refresh); keep sending until B hears again.
        await Eventually.TrueAsync(() =>
        {
            onA.Publish(new RequestChanged("CST-2026-000321", "triaged"));
            lock (heard) return Task.FromResult(heard.Contains("CST-2026-000321"));
        }, TimeSpan.FromSeconds(30));
    }

    private static int Count<T>(List<T> list) { lock (list) return list.Count; }

    public async Task DisposeAsync()
    {
        await _nodeA.DisposeAsync();
        await _nodeB.DisposeAsync();
    }
}
