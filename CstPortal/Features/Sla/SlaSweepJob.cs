using Quartz;

namespace CstPortal.Features.Sla;

/// <summary>Breach detection and escalation, every minute by default ("Cst:Jobs:SlaSweep").</summary>
[DisallowConcurrentExecution]
public sealed class SlaSweepJob(SlaSweep sweep, ILogger<SlaSweepJob> log) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        if (context.Recovering) log.LogWarning("SLA sweep: running again a firing that was cut off on another node");
        var result = await sweep.RunAsync(cancellationToken);
        if (result.LevelsFired > 0) log.LogInformation("SLA sweep fired {Levels} levels", result.LevelsFired);
    }
}
