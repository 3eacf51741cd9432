using CstPortal.Features.Notifications;
using CstPortal.Features.Sla;
using CstPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace CstPortal.Tests.Http;

public class SlaSchedulerTests(CstAppFactory factory) : IClassFixture<CstAppFactory>
{
    [Fact]
    public async Task The_running_app_schedules_the_sla_sweep_every_minute_and_the_notification_dispatcher()
    {
        _ = factory.Server;
        var scheduler = await factory.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        var sweep = Assert.IsType<ISimpleTrigger>(Assert.Single(await scheduler.GetTriggersOfJob(new JobKey(nameof(SlaSweepJob)))), exactMatch: false);
        Assert.Equal(TimeSpan.FromMinutes(1), sweep.RepeatInterval);
        var dispatch = Assert.Single(await scheduler.GetTriggersOfJob(new JobKey(nameof(NotificationDispatchJob))));
        Assert.True(dispatch.MayFireAgain);
        Assert.True((await scheduler.GetJobDetail(new JobKey(nameof(SlaSweepJob))))!.ConcurrentExecutionDisallowed);
    }
}
