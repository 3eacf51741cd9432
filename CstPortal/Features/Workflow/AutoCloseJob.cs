using Quartz;

namespace CstPortal.Features.Workflow;

/// <summary>Closes requests resolved more than the configured number of days ago (the workflow's automatic close).</summary>
[DisallowConcurrentExecution]
public sealed class AutoCloseJob(WorkflowService workflow, ILogger<AutoCloseJob> log) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var closed = await workflow.AutoCloseResolvedAsync(cancellationToken);
        if (closed > 0) log.LogInformation("Auto-closed {Count} resolved requests", closed);
    }
}
