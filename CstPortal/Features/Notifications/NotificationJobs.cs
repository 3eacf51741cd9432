using Quartz;

namespace CstPortal.Features.Notifications;

/// <summary>Sends due outbox messages (in-app and email).</summary>
[DisallowConcurrentExecution]
public sealed class NotificationDispatchJob(NotificationDispatcher dispatcher, ILogger<NotificationDispatchJob> log) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var result = await dispatcher.DispatchDueAsync(ct: cancellationToken);
        if (result.Sent + result.Failed > 0) log.LogInformation("Notifications: {Sent} sent, {Failed} failed", result.Sent, result.Failed);
    }
}
