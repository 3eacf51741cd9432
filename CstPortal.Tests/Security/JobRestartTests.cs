using CstPortal.Data;
using CstPortal.Features.Notifications;
using CstPortal.Features.Sla;
using CstPortal.Features.Workflow;
using CstPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace CstPortal.Tests.Security;

/// <summary>The whole app on a data directory that outlives it, with its Quartz jobs on short intervals.</summary>
public sealed class SharedDataAppFactory(string dataDirectory, string dispatchEvery) : CstAppFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Cst:DataDirectory", dataDirectory);
        builder.UseSetting("Cst:Jobs:SlaSweep", "00:00:01");
        builder.UseSetting("Cst:Jobs:NotificationDispatch", dispatchEvery);
    }
}

/// <summary>Counts the runs of the jobs it listens to (added once the scheduler has started).</summary>
public sealed class JobRuns : IJobListener
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _runs = new();
    public string Name { get; } = "test-job-runs-" + Guid.NewGuid().ToString("N");
    public int Of(string job) => _runs.GetValueOrDefault(job);
    public ValueTask JobToBeExecuted(IJobExecutionContext context, CancellationToken ct = default) => ValueTask.CompletedTask;
    public ValueTask JobExecutionVetoed(IJobExecutionContext context, CancellationToken ct = default) => ValueTask.CompletedTask;
    public ValueTask JobWasExecuted(IJobExecutionContext context, JobExecutionException? jobException, CancellationToken ct = default)
    {
        if (jobException is null) _runs.AddOrUpdate(context.JobDetail.Key.Name, 1, (_, n) => n + 1);
        return ValueTask.CompletedTask;
    }

    public static async Task<JobRuns> ListenAsync(IServiceProvider services)
    {
        var runs = new JobRuns();
        var scheduler = await services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        scheduler.ListenerManager.AddJobListener(runs, GroupMatcher<JobKey>.AnyGroup());
        return runs;
    }
}

/// <summary>
/// Quartz keeps its schedule in memory; what the jobs did lives in the database. Stopping the app and starting a
/// new one on the same data directory runs the SLA sweep and the notification dispatcher again from the start:
/// each escalation level still exists once, every notification exists once and is sent once, and none that the
/// first app queued but did not send is lost.
/// </summary>
public class JobRestartTests : IAsyncLifetime
{
    private readonly string _data = TestCity.NewTempDirectory();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { /* temp folder */ }
        return Task.CompletedTask;
    }

    private sealed record State(List<(int Request, SlaTarget Target, int Level, long Id, DateTime FiredAt)> Escalations,
        List<(long Id, string? Key, DateTime? SentAt, int Attempts, NotificationChannel Channel)> Outbox);

    private static async Task<State> ReadAsync(IServiceProvider services)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<CstDbContext>>().CreateDbContextAsync();
        var escalations = (await db.SlaEscalations.AsNoTracking().Select(e => new { e.ServiceRequestId, e.Target, e.Level, e.Id, e.FiredAt }).ToListAsync())
            .Select(e => (e.ServiceRequestId, e.Target, e.Level, e.Id, e.FiredAt)).ToList();
        var outbox = (await db.Outbox.AsNoTracking().Select(m => new { m.Id, m.DeduplicationKey, m.SentAt, m.Attempts, m.Channel }).ToListAsync())
            .Select(m => (m.Id, m.DeduplicationKey, m.SentAt, m.Attempts, m.Channel)).ToList();
        return new State(escalations, outbox);
    }

    private static async Task MakeOverdueAsync(IServiceProvider services, int count)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<CstDbContext>>().CreateDbContextAsync();
        var past = DateTime.UtcNow.AddDays(-3);
        var ids = await db.Requests.Where(r => (r.Status == RequestStatus.New || r.Status == RequestStatus.Triaged
                || r.Status == RequestStatus.Assigned || r.Status == RequestStatus.InProgress) && !db.SlaEscalations.Any(e => e.ServiceRequestId == r.Id))
            .OrderBy(r => r.Id).Select(r => r.Id).Take(count).ToListAsync();
        Assert.Equal(count, ids.Count);
        // Edited behind the workflow's back, so the sweep is told to look at them again (as the column's backfill does).
        await db.Requests.Where(r => ids.Contains(r.Id))
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.ResponseDueAt, past).SetProperty(r => r.ResolutionDueAt, past)
                .SetProperty(r => r.NextEscalationAt, EscalationSchedule.LookNow));
    }

    private static async Task<bool> PendingEmailsAsync(IServiceProvider services)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<CstDbContext>>().CreateDbContextAsync();
        return await db.Outbox.AnyAsync(m => m.Channel == NotificationChannel.Email && m.SentAt == null && m.NextAttemptAt != null);
    }

    [Fact]
    public async Task Escalations_and_notifications_survive_a_restart_exactly_once()
    {
        State first;
        // The first app: the sweep escalates the demo city's overdue work; the dispatcher runs only at start (every
        // hour), so what the sweep queued after that is still unsent when the app stops.
        await using (var app = new SharedDataAppFactory(_data, "01:00:00"))
        {
            _ = app.Server;
            var runs = await JobRuns.ListenAsync(app.Services);
            // The demo city comes with its past escalations already recorded: make a few open requests overdue now,
            // so this app's sweep has escalations (and notifications) of its own to fire.
            await MakeOverdueAsync(app.Services, 6);
            var sweepsBefore = runs.Of(nameof(SlaSweepJob));
            await Eventually.TrueAsync(() => Task.FromResult(runs.Of(nameof(SlaSweepJob)) >= sweepsBefore + 2), TimeSpan.FromSeconds(60));
            first = await ReadAsync(app.Services);
        }
        Assert.NotEmpty(first.Escalations);

        State second;
        await using (var app = new SharedDataAppFactory(_data, "00:00:01"))
        {
            _ = app.Server;
            var runs = await JobRuns.ListenAsync(app.Services);
            await Eventually.TrueAsync(async () => runs.Of(nameof(SlaSweepJob)) >= 2 && runs.Of(nameof(NotificationDispatchJob)) >= 2
                && !await PendingEmailsAsync(app.Services), TimeSpan.FromSeconds(60));
            second = await ReadAsync(app.Services);
        }

        // Each escalation level once per request and target; the first app's rows untouched.
        Assert.All(second.Escalations.GroupBy(e => (e.Request, e.Target, e.Level)), g => Assert.Single(g));
        foreach (var e in first.Escalations) Assert.Contains(e, second.Escalations);
        // Every notification once; none lost (all emails sent), none sent twice (one attempt each), the first app's sends kept.
        Assert.All(second.Outbox.Where(m => m.Key is not null).GroupBy(m => m.Key), g => Assert.Single(g));
        foreach (var m in first.Outbox) Assert.Contains(second.Outbox, n => n.Id == m.Id && n.Key == m.Key);
        var emails = second.Outbox.Where(m => m.Channel == NotificationChannel.Email).ToList();
        Assert.All(emails, m => Assert.NotNull(m.SentAt));
        Assert.All(emails, m => Assert.Equal(1, m.Attempts));
        foreach (var sent in first.Outbox.Where(m => m.SentAt is not null))
            Assert.Equal(sent.SentAt, second.Outbox.Single(n => n.Id == sent.Id).SentAt);
        Assert.Equal(emails.Count, Directory.GetFiles(Path.Combine(_data, "mail"), "*.eml").Length);
    }
}
