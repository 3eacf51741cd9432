using CstPortal.Data;
using CstPortal.Features.Workflow;
using CstPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace CstPortal.Tests.Http;

public class SchedulerTests(CstAppFactory factory) : IClassFixture<CstAppFactory>
{
    [Fact]
    public async Task The_running_app_schedules_auto_close_and_the_scheduler_really_runs_it()
    {
        _ = factory.Server; // start the host, and with it Quartz
        var scheduler = await factory.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        var trigger = Assert.Single(await scheduler.GetTriggersOfJob(new JobKey(nameof(AutoCloseJob))));
        Assert.True(trigger.MayFireAgain);

        // The trigger fires at start: the demo city's long-resolved requests get closed by the system.
        var dbFactory = factory.Services.GetRequiredService<IDbContextFactory<CstDbContext>>();
        await Eventually.TrueAsync(async () =>
        {
            await using var db = await dbFactory.CreateDbContextAsync();
            var cutoff = DateTime.UtcNow.AddDays(-7);
            return !await db.Requests.AnyAsync(r => r.Status == RequestStatus.Resolved && r.ResolvedAt <= cutoff)
                   && await db.StatusChanges.AnyAsync(h => h.ActorName == "System (auto-close)");
        }, TimeSpan.FromSeconds(30));
    }
}
