using System.Globalization;
using CstPortal.Common;
using CstPortal.Data.DemoCity;
using CstPortal.Features.Requests;
using CstPortal.Features.Workflow;
using CstPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CstPortal.Tests.Browser;

[Collection(BrowserCollection.Name)]
public class LiveMapJourneyTests(BrowserFixture browser)
{
    [Fact]
    public async Task The_manager_sees_the_heatmap_draw_and_count_a_new_request_without_reloading()
    {
        var page = await browser.NewPageAsync();
        await Journeys.SignInAsync(page, $"manager@{DemoCityPlan.EmailDomain}");
        await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Live map" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Live map");
        await Journeys.WaitForInteractiveAsync(page);

        // The heat layer is a canvas leaflet.heat adds once the server's cells arrive; zones are drawn as paths.
        await Expect(page.Locator("canvas.leaflet-heatmap-layer")).ToHaveCountAsync(1);
        await Expect(page.Locator(".cst-map[data-heat-cells]")).ToHaveCountAsync(1);
        await Expect(page.Locator("path.leaflet-interactive").First).ToBeAttachedAsync();
        var counter = page.GetByTestId("open-in-view");
        await Expect(counter).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^[1-9][\d,]* open requests in view$"));
        var before = ParseCount(await counter.InnerTextAsync());
        var zonesBefore = await ZoneOpenTotalAsync(page);

        var requests = browser.AppServices.GetRequiredService<RequestService>();
        var citizen = await Arrange.DemoActorAsync(browser.AppServices, Roles.Citizen);
        var pothole = (await requests.CategoriesAsync()).Single(c => c.Name == "Pothole");
        var receipt = await requests.SubmitAsync(new SubmitInput(pothole.Id, "Pothole for the live map", Scenario.CityCentre.Lat, Scenario.CityCentre.Lng,
            "2 Market Square", new Dictionary<string, string> { ["size"] = "small" }), citizen);
        Assert.True(receipt.Succeeded, receipt.Error);

        await Expect(counter).ToHaveTextAsync($"{(before + 1).ToString("N0", CultureInfo.GetCultureInfo("en"))} open requests in view");
        await WaitForZoneOpenTotalAsync(page, zonesBefore + 1); // the zone counts are recounted on a change in the city

        // Worked through to resolved (no longer open), it leaves the map again without a reload.
        var workflow = browser.AppServices.GetRequiredService<WorkflowService>();
        var dispatcher = await Arrange.DemoActorAsync(browser.AppServices, Roles.Dispatcher);
        var agent = await Arrange.DemoActorAsync(browser.AppServices, Roles.Agent);
        var agentId = await requests.AgentIdOfAsync(agent.UserId) ?? throw new InvalidOperationException("demo agent");
        var number = receipt.Value!.Number;
        Assert.True((await workflow.ApplyAsync(number, 1, new TransitionInput(WorkflowAction.Triage), dispatcher)).Succeeded);
        Assert.True((await workflow.ApplyAsync(number, 2, new TransitionInput(WorkflowAction.Assign) { AgentId = agentId }, dispatcher)).Succeeded);
        Assert.True((await workflow.ApplyAsync(number, 3, new TransitionInput(WorkflowAction.Start), agent)).Succeeded);
        Assert.True((await workflow.ApplyAsync(number, 4, new TransitionInput(WorkflowAction.Resolve) { ResolutionNote = "Filled" }, agent)).Succeeded);

        await Expect(counter).ToHaveTextAsync($"{before.ToString("N0", CultureInfo.GetCultureInfo("en"))} open requests in view");
        await WaitForZoneOpenTotalAsync(page, zonesBefore);

        // A pan changes the view's heat and count, not the zone table (zone counts do not depend on the view).
        await DragMapAsync(page, 300);
        await Expect(counter).Not.ToHaveTextAsync($"{before.ToString("N0", CultureInfo.GetCultureInfo("en"))} open requests in view");
        Assert.Equal(zonesBefore, await ZoneOpenTotalAsync(page));
    }

    /// <summary>Pans the map by dragging across its middle sideways by dx pixels (Leaflet may glide further).</summary>
    private static async Task DragMapAsync(IPage page, float dx)
    {
        var map = await page.Locator(".cst-map").BoundingBoxAsync() ?? throw new InvalidOperationException("The map has no box.");
        var (x, y) = (map.X + map.Width / 2 - dx / 2, map.Y + map.Height / 2);
        await page.Mouse.MoveAsync(x, y);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(x + dx, y, new() { Steps = 5 });
        await page.Mouse.UpAsync();
    }

    /// <summary>The sum of the zone table's "Open" column.</summary>
    private static Task<int> ZoneOpenTotalAsync(IPage page) =>
        page.Locator("[data-testid=zone-counts] tbody tr td:nth-child(2)").EvaluateAllAsync<int>(
            "cells => cells.reduce((sum, c) => sum + parseInt(c.textContent.replace(/,/g, ''), 10), 0)");

    private static async Task WaitForZoneOpenTotalAsync(IPage page, int expected)
    {
        await page.WaitForFunctionAsync(
            "expected => [...document.querySelectorAll('[data-testid=zone-counts] tbody tr td:nth-child(2)')].reduce((sum, c) => sum + parseInt(c.textContent.replace(/,/g, ''), 10), 0) === expected",
            expected);
    }

    private static int ParseCount(string text) => int.Parse(text.Split(' ')[0], NumberStyles.AllowThousands, CultureInfo.GetCultureInfo("en"));
}
