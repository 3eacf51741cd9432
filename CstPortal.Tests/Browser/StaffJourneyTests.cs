using CstPortal.Common;
using CstPortal.Data;
using CstPortal.Data.DemoCity;
using CstPortal.Features.Assignment;
using CstPortal.Features.Geo;
using CstPortal.Features.Requests;
using CstPortal.Features.Workflow;
using CstPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CstPortal.Tests.Browser;

/// <summary>The staff roles' main journeys in a real browser: triage and merge, automatic assignment, field milestones on a phone.</summary>
[Collection(BrowserCollection.Name)]
public class StaffJourneyTests(BrowserFixture browser)
{
    private IServiceProvider App => browser.AppServices;

    private async Task<SubmitReceipt> SubmitAsync(Actor reporter, string categoryName, string text, double lat, double lng,
        Dictionary<string, string> answers, string? email = null)
    {
        var requests = App.GetRequiredService<RequestService>();
        var category = (await requests.CategoriesAsync()).Single(c => c.Name == categoryName);
        var receipt = await requests.SubmitAsync(new SubmitInput(category.Id, text, lat, lng, null, answers, email), reporter);
        Assert.True(receipt.Succeeded, receipt.Error);
        return receipt.Value!;
    }

    private static async Task OpenInQueueAsync(IPage page, string number)
    {
        await page.GetByLabel("Search number, description or address").FillAsync(number);
        var open = page.GetByRole(AriaRole.Button, new() { Name = number, Exact = true });
        await open.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 2 }).Filter(new() { HasText = number })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task The_dispatcher_triages_a_request_and_merges_a_duplicate_into_it()
    {
        var citizen = await Arrange.DemoActorAsync(App, Roles.Citizen);
        var (lat, lng) = (DemoCityPlan.CenterLat + 0.011, DemoCityPlan.CenterLng + 0.013);
        var master = (await SubmitAsync(citizen, "Pothole", "Crater in the cycle lane outside the library", lat, lng, new() { ["size"] = "large" })).Number;
        var duplicate = (await SubmitAsync(Actor.Anonymous, "Pothole", "Big crater in the cycle lane by the library", lat + 0.0001, lng,
            new() { ["size"] = "large" }, "passer-by@example.org")).Number;

        var page = await browser.NewPageAsync();
        await Journeys.SignInAsync(page, $"dispatcher@{DemoCityPlan.EmailDomain}");
        await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Triage queue" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Triage queue");
        await Journeys.WaitForInteractiveAsync(page);

        await OpenInQueueAsync(page, master);
        await page.GetByRole(AriaRole.Button, new() { Name = "Triage", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync($"{master} triaged");

        await OpenInQueueAsync(page, duplicate);
        await page.GetByRole(AriaRole.Button, new() { Name = $"Merge into {master}" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync($"{duplicate} merged into {master}.");

        await page.GotoAsync($"requests/{master}");
        await Expect(page.GetByText($"Duplicate {duplicate} merged into this request")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Supporters" })).ToContainTextAsync("1");
        await page.GotoAsync($"requests/{duplicate}");
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Closed because" })).ToContainTextAsync(master);
    }

    [Fact]
    public async Task Triage_of_a_street_light_assigns_the_agent_the_scoring_picks_in_the_demo_city()
    {
        var citizen = await Arrange.DemoActorAsync(App, Roles.Citizen);
        // Well inside Harbor, the south-west zone.
        var (lat, lng) = (DemoCityPlan.LatLines[0] + 0.01, DemoCityPlan.LngLines[0] + 0.01);
        var number = (await SubmitAsync(citizen, "Street light out", "Lamp dark at the harbour steps", lat, lng, new() { ["count"] = "1" })).Number;

        var page = await browser.NewPageAsync();
        await Journeys.SignInAsync(page, $"dispatcher@{DemoCityPlan.EmailDomain}");
        await page.GotoAsync("staff/triage");
        await Journeys.WaitForInteractiveAsync(page);
        await OpenInQueueAsync(page, number);
        await page.GetByRole(AriaRole.Button, new() { Name = "Triage", Exact = true }).ClickAsync();
        var alert = page.GetByRole(AriaRole.Alert);
        await Expect(alert).ToContainTextAsync($"{number} triaged and assigned to");
        await Expect(alert).ToContainTextAsync("zone Harbor, skill Electrical");

        // The chosen agent is a Harbor electrician of the lighting crew, and no eligible colleague had less weighted work.
        var db = App.GetRequiredService<IDbContextFactory<CstDbContext>>();
        await using var ctx = await db.CreateDbContextAsync();
        var request = await ctx.Requests.AsNoTracking().SingleAsync(r => r.Number == number);
        var harbor = await ctx.Zones.SingleAsync(z => z.Code == "HARBOR");
        var electrical = await ctx.Skills.SingleAsync(s => s.Code == "electrical");
        var agent = await ctx.Agents.Include(a => a.Skills).Include(a => a.Zones).Include(a => a.Team).SingleAsync(a => a.Id == request.AssignedAgentId);
        Assert.Equal(harbor.Id, request.ZoneId);
        Assert.Equal("Lighting crew", agent.Team!.Name);
        Assert.Contains(agent.Zones, z => z.ZoneId == harbor.Id);
        Assert.Contains(agent.Skills, s => s.SkillId == electrical.Id);
        await Expect(alert).ToContainTextAsync(agent.DisplayName);
        Assert.StartsWith("Auto-assigned: zone Harbor, skill Electrical", request.AssignmentNote);
    }

    [Fact]
    public async Task The_agent_records_arrived_started_and_resolved_on_a_phone_and_the_citizen_sees_it_on_the_tracking_page()
    {
        var receipt = await SubmitAsync(Actor.Anonymous, "Pothole", "Pothole at the bus stop on Quay Road",
            Scenario.CityCentre.Lat - 0.01, Scenario.CityCentre.Lng - 0.01, new() { ["size"] = "small" });
        var number = receipt.Number;
        var workflow = App.GetRequiredService<WorkflowService>();
        var dispatcher = await Arrange.DemoActorAsync(App, Roles.Dispatcher);
        var agentActor = await Arrange.DemoActorAsync(App, Roles.Agent);
        var agentId = await App.GetRequiredService<RequestService>().AgentIdOfAsync(agentActor.UserId);
        Assert.True((await workflow.ApplyAsync(number, 1, new TransitionInput(WorkflowAction.Triage), dispatcher)).Succeeded);
        Assert.True((await workflow.ApplyAsync(number, 2, new TransitionInput(WorkflowAction.Assign) { AgentId = agentId }, dispatcher)).Succeeded);

        var page = await Chromium.NewPageAsync(browser.Browser, new BrowserNewContextOptions
        {
            BaseURL = browser.BaseUrl, ViewportSize = new ViewportSize { Width = 375, Height = 740 }, IsMobile = true, HasTouch = true,
            Geolocation = new Geolocation { Latitude = 40.031f, Longitude = -83.012f }, Permissions = ["geolocation"],
        });
        await Journeys.SignInAsync(page, $"agent@{DemoCityPlan.EmailDomain}");
        await page.GotoAsync("agent/work");
        await Journeys.WaitForInteractiveAsync(page);

        var card = page.Locator($"[data-number='{number}']");
        // The note form opens on demand (closed forms are not rendered, to keep each circuit small).
        await card.GetByRole(AriaRole.Button, new() { Name = "Note or reply" }).ClickAsync();
        await card.GetByLabel("Text").FillAsync("Cones placed around the hole");
        await card.GetByRole(AriaRole.Button, new() { Name = "Add internal note" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Note saved.");
        await card.GetByRole(AriaRole.Button, new() { Name = "Arrived" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Arrival recorded.");
        await card.GetByRole(AriaRole.Button, new() { Name = "Start work" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Work started.");
        await card.GetByRole(AriaRole.Button, new() { Name = "Resolved" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("A resolution note is required");
        await card.GetByLabel("Resolution note (what was done)").FillAsync("Filled and rolled");
        await card.GetByRole(AriaRole.Button, new() { Name = "Resolved" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Resolved. Thank you!");
        await Expect(card).ToHaveCountAsync(0);

        var citizenPage = await browser.NewPageAsync(375, 740);
        await citizenPage.GotoAsync($"track?number={number}&code={receipt.TrackingCode}");
        await Expect(citizenPage.GetByText("Crew arrived on site")).ToBeVisibleAsync();
        await Expect(citizenPage.GetByText("Work started")).ToBeVisibleAsync();
        await Expect(citizenPage.GetByText("Filled and rolled").First).ToBeVisibleAsync();

        var db = App.GetRequiredService<IDbContextFactory<CstDbContext>>();
        await using var ctx = await db.CreateDbContextAsync();
        var id = await ctx.Requests.Where(r => r.Number == number).Select(r => r.Id).SingleAsync();
        var milestones = await ctx.Milestones.Where(m => m.ServiceRequestId == id).OrderBy(m => m.At).ToListAsync();
        Assert.Equal([MilestoneKind.Arrived, MilestoneKind.WorkStarted, MilestoneKind.Resolved], milestones.Select(m => m.Kind));
        Assert.All(milestones, m => Assert.Equal(40.031, m.Latitude!.Value, 3));
        await page.Context.CloseAsync();
    }
}
