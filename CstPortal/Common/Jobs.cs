using CstPortal.Features.Notifications;
using CstPortal.Features.Sla;
using CstPortal.Features.Workflow;
using Quartz;

namespace CstPortal.Common;

/// <summary>
/// Background jobs on Quartz.NET. Jobs are thin: each calls one tested service method, is
/// [DisallowConcurrentExecution] and idempotent. Each feature adds its jobs in AddCstJobs.
/// Intervals come from configuration ("Cst:Jobs:NAME" as a TimeSpan, e.g. "00:01:00").
/// </summary>
public static class Jobs
{
    public static IServiceCollection AddCstJobs(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddQuartz(q =>
        {
            q.AddRepeatingJob<AutoCloseJob>(Interval(configuration, "AutoClose", TimeSpan.FromHours(1)));
            q.AddRepeatingJob<Features.Assignment.AutoAssignJob>(Interval(configuration, "AutoAssign", TimeSpan.FromMinutes(1)));
            q.AddRepeatingJob<SlaSweepJob>(Interval(configuration, "SlaSweep", TimeSpan.FromMinutes(1)));
            q.AddRepeatingJob<NotificationDispatchJob>(Interval(configuration, "NotificationDispatch", TimeSpan.FromSeconds(15)));
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
            j => j.WithIdentity(key).DisallowConcurrentExecution());
    }
}
