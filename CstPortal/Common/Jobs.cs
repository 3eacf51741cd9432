using CstPortal.Features.Notifications;
using CstPortal.Features.Sla;
using CstPortal.Features.Workflow;
using Quartz;

namespace CstPortal.Common;

/// <summary>
/// Background jobs on Quartz.NET. Jobs are thin: each calls one tested service method, is
/// [DisallowConcurrentExecution] and idempotent. Each feature adds its jobs in AddCstJobs.
/// Intervals come from configuration ("Cst:Jobs:NAME" as a TimeSpan, e.g. "00:01:00").
/// On SQLite (one node) the schedule lives in memory. On PostgreSQL it lives in the database (Quartz's ADO job store,
/// clustered): every node runs a scheduler, each firing runs on exactly one of them, a [DisallowConcurrentExecution]
/// job never runs on two nodes at once, and the firings of a node that stops checking in are taken over by another.
/// The store's tables come from a migration (see <see cref="QuartzSchema"/>); Quartz only checks them at start.
/// </summary>
public static class Jobs
{
    public static IServiceCollection AddCstJobs(this IServiceCollection services, IConfiguration configuration)
    {
        var postgres = ClusterSetup.PostgresConnectionString(configuration);
        services.AddQuartz(q =>
        {
            q.AddRepeatingJob<AutoCloseJob>(Interval(configuration, "AutoClose", TimeSpan.FromHours(1)));
            q.AddRepeatingJob<Features.Assignment.AutoAssignJob>(Interval(configuration, "AutoAssign", TimeSpan.FromMinutes(1)));
            q.AddRepeatingJob<SlaSweepJob>(Interval(configuration, "SlaSweep", TimeSpan.FromMinutes(1)));
            q.AddRepeatingJob<NotificationDispatchJob>(Interval(configuration, "NotificationDispatch", TimeSpan.FromSeconds(15)));
            if (postgres is not null)
            {
                // Cst:NodeName names this node in the cluster (qrtz_scheduler_state, logs); unset: generated at each start.
                if (configuration["Cst:NodeName"] is { Length: > 0 } node)
                    q.ConfigureScheduler(o => { o.InstanceId = node; o.GenerateInstanceId = false; });
                q.UsePersistentStore(store =>
                {
                    store.UsePostgres(data => data.ConnectionString = postgres);
                    store.UseSystemTextJsonSerializer();
                    store.UseClustering(cluster =>
                    {
                        cluster.CheckinInterval = TimeSpan.FromSeconds(5);
                        cluster.CheckinMisfireThreshold = TimeSpan.FromSeconds(10); // a node silent for ~15 s is taken over
                    });
                });
            }
        });
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        return services;
    }

    public static TimeSpan Interval(IConfiguration configuration, string job, TimeSpan fallback) =>
        configuration.GetValue<TimeSpan?>($"Cst:Jobs:{job}") ?? fallback;

    /// <summary>A job that runs at start and then every <paramref name="every"/>.</summary>
    public static void AddRepeatingJob<TJob>(this IQuartzBuilder q, TimeSpan every) where TJob : class, IJob
    {
        var key = new JobKey(typeof(TJob).Name);
        q.ScheduleJob<TJob>(
            t => t.WithIdentity(key.Name + ".trigger").StartNow().WithSimpleSchedule(s => s.WithInterval(every).RepeatForever()),
            // RequestRecovery: a firing cut off by a node's death runs again on another node (the jobs are idempotent).
            j => j.WithIdentity(key).DisallowConcurrentExecution().RequestRecovery());
    }
}

/// <summary>
/// The tables of Quartz's clustered job store on PostgreSQL, for the migration that creates them. The DDL is the one
/// the Quartz package ships for PostgreSQL (read from its assembly, so it always matches the Quartz version in use);
/// every statement is CREATE ... IF NOT EXISTS.
/// </summary>
public static class QuartzSchema
{
    /// <summary>Quartz's default table prefix; PostgreSQL folds the unquoted names to lower case.</summary>
    public const string TablePrefix = "qrtz_";
    private const string Resource = "Quartz.Impl.AdoJobStore.Schema.create_postgres.sql";

    /// <summary>The statements that create the store's tables and indexes, in order.</summary>
    public static IReadOnlyList<string> PostgresStatements()
    {
        using var stream = typeof(IScheduler).Assembly.GetManifestResourceStream(Resource)
            ?? throw new InvalidOperationException($"The Quartz package no longer carries {Resource}: write the PostgreSQL job store DDL into the migration.");
        var script = new StreamReader(stream).ReadToEnd().Replace("{0}", TablePrefix).Replace("{1}", TablePrefix);
        // Statements are separated by a line reading exactly '--;;'; a piece that is only comments is no statement.
        return [.. script.ReplaceLineEndings("\n").Split("\n--;;\n")
            .Select(piece => piece.Trim())
            .Where(piece => piece.Split('\n').Any(line => line.Trim() is { Length: > 0 } l && !l.StartsWith("--")))];
    }

    /// <summary>The tables the statements create, last created first (for dropping them).</summary>
    public static IReadOnlyList<string> PostgresTables() =>
        [.. PostgresStatements()
            .Select(s => System.Text.RegularExpressions.Regex.Match(s, @"CREATE TABLE IF NOT EXISTS\s+(\w+)", System.Text.RegularExpressions.RegexOptions.IgnoreCase))
            .Where(m => m.Success).Select(m => m.Groups[1].Value).Reverse()];
}
