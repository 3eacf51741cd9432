using CstPortal.Common;
using CstPortal.Data.DemoCity;
using CstPortal.Features.Notifications;
using CstPortal.Features.Requests;
using CstPortal.Features.Sla;
using CstPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CstPortal.Tests.Browser;

/// <summary>The real app whose clock the test moves (the SLA engine reads time only from TimeProvider).</summary>
public sealed class MovableClockApp : CstAppFactory
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(Clock));
    }
}

public sealed class SlaBrowserFixture : IAsyncLifetime
{
    public MovableClockApp App { get; } = new();
    public string BaseUrl { get; private set; } = "";
    private Microsoft.Playwright.IPlaywright? _playwright;
    private IBrowser? _chromium;

    public async Task InitializeAsync()
    {
        BaseUrl = App.StartOnLoopback();
        _playwright = await Playwright.CreateAsync();
        _chromium = await Chromium.LaunchAsync(_playwright);
    }

    public Task<IPage> NewPageAsync() =>
        Chromium.NewPageAsync(_chromium!, new BrowserNewContextOptions { BaseURL = BaseUrl, ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });

    public async Task DisposeAsync()
    {
        if (_chromium is not null) await _chromium.CloseAsync();
        _playwright?.Dispose();
        await App.DisposeAsync();
    }
}

public class SlaJourneyTests(SlaBrowserFixture fixture) : IClassFixture<SlaBrowserFixture>
{
    [Fact]
    public async Task A_breached_request_shows_as_overdue_to_the_supervisor_with_a_notification_in_the_bell()
    {
        var app = fixture.App.Services;
        var supervisor = await Arrange.DemoActorAsync(app, Roles.Supervisor);
        var citizen = await Arrange.DemoActorAsync(app, Roles.Citizen);
        var sweep = app.GetRequiredService<SlaSweep>();
        var dispatcher = app.GetRequiredService<NotificationDispatcher>();
        // Start from a quiet bell: whatever the demo history escalates now is delivered and read.
        await sweep.RunAsync();
        await dispatcher.DispatchDueAsync(1000);
        await app.GetRequiredService<NotificationService>().MarkAllReadAsync(supervisor.UserId!);

        var requests = app.GetRequiredService<RequestService>();
        var pothole = (await requests.CategoriesAsync()).Single(c => c.Name == "Pothole");
        var number = (await requests.SubmitAsync(new SubmitInput(pothole.Id, "Pothole nobody picks up", Scenario.CityCentre.Lat, Scenario.CityCentre.Lng,
            "3 Market Square", new Dictionary<string, string> { ["size"] = "large" }), citizen)).Value!.Number;

        fixture.App.Clock.Advance(TimeSpan.FromHours(5)); // response target (4 h) breached an hour ago
        await sweep.RunAsync();
        await dispatcher.DispatchDueAsync(1000);

        var page = await fixture.NewPageAsync();
        await Journeys.SignInAsync(page, $"supervisor@{DemoCityPlan.EmailDomain}");
        var bell = page.Locator("#cst-bell-badge");
        await Expect(bell.Locator(".mud-badge")).ToBeVisibleAsync();
        var button = bell.GetByRole(AriaRole.Button);
        await Expect(button).ToHaveAttributeAsync("aria-label", new System.Text.RegularExpressions.Regex(@"^Notifications, \d+ unread$"));
        await button.ClickAsync();
        var item = page.GetByText($"{number}: response target breached");
        await Expect(item).ToBeVisibleAsync();
        await item.ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync(number);
        await Expect(page.GetByText("1 h overdue").First).ToBeVisibleAsync();
        // The escalation raised the priority one step (pothole P2 → P1).
        await Expect(page.GetByText("P1", new() { Exact = true }).First).ToBeVisibleAsync();
    }
}
