using CstPortal.Data.DemoCity;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CstPortal.Tests.Browser;

/// <summary>The Content-Security-Policy is strict, and Blazor Server, MudBlazor and Leaflet still work under it.</summary>
[Collection(BrowserCollection.Name)]
public class ContentSecurityPolicyJourneyTests(BrowserFixture browser)
{
    /// <summary>Chromium reports every blocked script, style, image or connection on the console.</summary>
    private static List<string> CollectViolations(IPage page)
    {
        var violations = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)) lock (violations) violations.Add(message.Text);
        };
        page.PageError += (_, error) => { lock (violations) violations.Add("page error: " + error); };
        return violations;
    }

    [Fact]
    public async Task Home_and_report_pages_render_and_go_interactive_with_no_CSP_violation()
    {
        var page = await browser.NewPageAsync();
        var violations = CollectViolations(page);

        await page.GotoAsync("/");
        await Journeys.WaitForInteractiveAsync(page); // blazor.web.js ran and the circuit's WebSocket is up
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();

        await Journeys.SignInAsync(page, $"citizen@{DemoCityPlan.EmailDomain}");
        await page.GotoAsync("report");
        await Journeys.WaitForInteractiveAsync(page);
        await Expect(page.Locator(".leaflet-container").First).ToBeVisibleAsync(); // Leaflet drew its map
        await Expect(page.Locator(".mud-input-control").First).ToBeVisibleAsync(); // MudBlazor's styled inputs

        Assert.True(violations.Count == 0, string.Join("\n", violations));
    }

    [Fact]
    public async Task The_manager_live_map_draws_its_layers_with_no_CSP_violation()
    {
        var page = await browser.NewPageAsync();
        var violations = CollectViolations(page);

        await Journeys.SignInAsync(page, $"manager@{DemoCityPlan.EmailDomain}");
        await page.GotoAsync("analytics/map");
        await Journeys.WaitForInteractiveAsync(page);
        await Expect(page.Locator("canvas.leaflet-heatmap-layer")).ToHaveCountAsync(1);
        await Expect(page.Locator("path.leaflet-interactive").First).ToBeAttachedAsync();

        Assert.True(violations.Count == 0, string.Join("\n", violations));
    }
}
