using CstPortal.Common;
using CstPortal.Data;
using CstPortal.Features.Requests;
using CstPortal.Features.Sla;
using CstPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CstPortal.Tests.Features.Cluster;

/// <summary>
/// Two whole app nodes on one PostgreSQL database, both running Quartz's clustered store and sweeping every 2 s:
/// every SLA level fires once and every notification is dispatched once.
/// </summary>
public sealed class ClusteredJobsTests : IAsyncLifetime
{
    private readonly TwoNodeCluster _cluster = new();

    public Task InitializeAsync() => _cluster.InitializeAsync();

    [Fact]
    public async Task With_two_nodes_sweeping_every_sla_level_fires_once_and_each_notification_is_dispatched_once()
    {
        // Both nodes' schedulers check in to the one cluster (each starts its scheduler once its host has started).
        await Eventually.TrueAsync(async () => (await QueryAsync("SELECT instance_name FROM qrtz_scheduler_state ORDER BY instance_name", r => r.GetString(0)))
            .SequenceEqual(["a", "b"]), TimeSpan.FromSeconds(30));

        var requests = _cluster.Services.GetRequiredService<RequestService>();
        var litter = (await requests.CategoriesAsync()).Single(c => c.Name == "Overflowing litter bin"); // no extra questions
        var numbers = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            var receipt = await requests.SubmitAsync(new SubmitInput(litter.Id, $"Bin overflowing by the quay, cluster check {i}",
                Scenario.CityCentre.Lat, Scenario.CityCentre.Lng, null, new Dictionary<string, string>()), Actor.Anonymous);
            Assert.True(receipt.Succeeded, receipt.Error);
            numbers.Add(receipt.Value!.Number);
        }
        var factory = _cluster.Services.GetRequiredService<IDbContextFactory<CstDbContext>>();
        int rules;
        List<int> ids;
        await using (var db = await factory.CreateDbContextAsync())
        {
            // Created 30 days ago, both targets long breached: every level is due at once.
            await db.Requests.Where(r => numbers.Contains(r.Number)).ExecuteUpdateAsync(s => s
                .SetProperty(r => r.CreatedAt, r => r.CreatedAt.AddDays(-30))
                .SetProperty(r => r.ResponseDueAt, r => r.CreatedAt.AddDays(-29))
                .SetProperty(r => r.ResolutionDueAt, r => r.CreatedAt.AddDays(-25))
                .SetProperty(r => r.NextEscalationAt, EscalationSchedule.LookNow)); // edited behind the workflow's back: the sweep looks again
            rules = await db.EscalationRules.CountAsync(r => r.IsActive);
            ids = await db.Requests.Where(r => numbers.Contains(r.Number)).Select(r => r.Id).ToListAsync();
        }
        var expected = numbers.Count * 2 * (1 + rules); // two targets × (the breach + each active rule)

        await Eventually.TrueAsync(async () => await CountAsync(db => db.SlaEscalations.CountAsync(e => ids.Contains(e.ServiceRequestId))) >= expected, TimeSpan.FromSeconds(90));
        // Let the cluster sweep twice more (the trigger's next fire time moves two periods on), then count again.
        var next = await NextSweepAsync();
        await Eventually.TrueAsync(async () => await NextSweepAsync() > next + TimeSpan.FromSeconds(2).Ticks, TimeSpan.FromSeconds(60));
        await Eventually.TrueAsync(async () => await CountAsync(db => db.Outbox.CountAsync(m => numbers.Contains(m.RequestNumber!) && m.SentAt == null)) == 0, TimeSpan.FromSeconds(60));

        Assert.Equal(expected, await CountAsync(db => db.SlaEscalations.CountAsync(e => ids.Contains(e.ServiceRequestId))));
        Assert.Equal(expected, await CountAsync(db => db.AuditEntries.CountAsync(a => numbers.Contains(a.EntityId) && (a.Action == "sla.breached" || a.Action == "sla.escalated"))));
        await using (var db = await factory.CreateDbContextAsync())
        {
            var messages = await db.Outbox.Where(m => numbers.Contains(m.RequestNumber!)).Select(m => new { m.DeduplicationKey, m.Attempts, m.SentAt }).ToListAsync();
            Assert.NotEmpty(messages);
            Assert.All(messages, m => Assert.Equal(1, m.Attempts)); // claimed once: no node sent a message another had sent
            Assert.Equal(messages.Count, messages.Select(m => m.DeduplicationKey).Distinct().Count());
        }
    }

    private async Task<int> CountAsync(Func<CstDbContext, Task<int>> count)
    {
        await using var db = await _cluster.Services.GetRequiredService<IDbContextFactory<CstDbContext>>().CreateDbContextAsync();
        return await count(db);
    }

    private async Task<long> NextSweepAsync() =>
        (await QueryAsync("SELECT next_fire_time FROM qrtz_triggers WHERE trigger_name = 'SlaSweepJob.trigger'", r => r.GetInt64(0))).Single();

    private async Task<List<T>> QueryAsync<T>(string sql, Func<NpgsqlDataReader, T> read)
    {
        await using var connection = new NpgsqlConnection(_cluster.Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync()) rows.Add(read(reader));
        return rows;
    }

    public Task DisposeAsync() => _cluster.DisposeAsync();
}
