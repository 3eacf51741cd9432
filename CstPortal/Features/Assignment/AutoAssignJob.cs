using Quartz;

namespace CstPortal.Features.Assignment;

/// <summary>Assigns triaged requests of auto-assign categories (Cst:Jobs:AutoAssign). Thin, idempotent.</summary>
[DisallowConcurrentExecution]
public sealed class AutoAssignJob(AutoAssignService autoAssign, ILogger<AutoAssignJob> log) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var results = await autoAssign.AssignPendingAsync(cancellationToken);
        if (results.Count > 0) log.LogInformation("Auto-assignment looked at {Count} requests", results.Count);
    }
}
