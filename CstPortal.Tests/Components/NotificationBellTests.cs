using System.Security.Claims;
using Bunit;
using CstPortal.Common;
using CstPortal.Features.Notifications;
using CstPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CstPortal.Tests.Components;

/// <summary>The bell on a real city database: it shows the unread count and updates live when the dispatcher delivers.</summary>
public class NotificationBellTests : BunitTestBase, IAsyncLifetime
{
    private TestCity _city = default!;

    async Task IAsyncLifetime.InitializeAsync()
    {
        _city = await TestCity.CreateAsync();
        Services.AddSingleton(_city.Get<NotificationService>());
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await _city.DisposeAsync();
    }

    [Fact]
    public async Task The_bell_shows_unread_notifications_and_updates_live_when_one_is_delivered()
    {
        var supervisor = await _city.ActorAsync(Roles.Supervisor);
        var inbox = _city.Get<NotificationService>();
        await inbox.MarkAllReadAsync(supervisor.UserId!);
        AddAuthorization().SetAuthorized(supervisor.Name).SetRoles(Roles.Supervisor)
            .SetClaims(new Claim(ClaimTypes.NameIdentifier, supervisor.UserId!));

        var popovers = Render<MudBlazor.MudPopoverProvider>();
        var cut = Render<NotificationBell>();
        cut.WaitForAssertion(() => Assert.Equal("Notifications", cut.Find("#cst-bell-badge button").GetAttribute("aria-label")));

        await using (var db = _city.Db())
        {
            Outbox.Enqueue(db, _city.Clock.GetUtcNow().UtcDateTime, NotificationChannel.InApp, "CST-1: response target breached", "Body",
                recipientUserId: supervisor.UserId, requestNumber: "CST-1");
            await db.SaveChangesAsync();
        }
        await _city.Get<NotificationDispatcher>().DispatchDueAsync();

        cut.WaitForAssertion(() => Assert.Equal("Notifications, 1 unread", cut.Find("#cst-bell-badge button").GetAttribute("aria-label")));
        cut.Find("#cst-bell-badge button").Click();
        popovers.WaitForAssertion(() => Assert.Contains("CST-1: response target breached", popovers.Markup));
    }
}
