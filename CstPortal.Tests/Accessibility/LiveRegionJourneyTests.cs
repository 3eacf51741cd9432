using CstPortal.Common;
using CstPortal.Features.Requests;
using CstPortal.Features.Workflow;
using CstPortal.Tests.Browser;
using CstPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CstPortal.Tests.Accessibility;

/// <summary>Status changes on live pages land in polite live regions that exist before the change (so it is announced).</summary>
[Collection(BrowserCollection.Name)]
public class LiveRegionJourneyTests(BrowserFixture browser)
{
    [Fact]
    public async Task The_tracking_page_announces_a_status_change_politely_in_regions_that_were_already_there()
    {
        var requests = browser.AppServices.GetRequiredService<RequestService>();
        var pothole = (await requests.CategoriesAsync()).Single(c => c.Name == "Pothole");
        var receipt = (await requests.SubmitAsync(new SubmitInput(pothole.Id, "Pothole for the live regions", Scenario.CityCentre.Lat + 0.002,
            Scenario.CityCentre.Lng, null, new Dictionary<string, string> { ["size"] = "small" }), Actor.Anonymous)).Value!;

        var page = await browser.NewPageAsync();
        await page.GotoAsync($"track?number={receipt.Number}&code={Uri.EscapeDataString(receipt.TrackingCode!)}");
        await A11yPages.WaitUntilSettledAsync(page);
        var timeline = page.GetByTestId("timeline");
        var notice = page.GetByTestId("update-notice");
        await Expect(timeline).ToHaveAttributeAsync("aria-live", "polite");
        await Expect(notice).ToHaveAttributeAsync("aria-live", "polite");
        await Expect(notice).ToBeEmptyAsync();
        await Expect(timeline).Not.ToContainTextAsync("Reviewed by the city");

        var dispatcher = await Arrange.DemoActorAsync(browser.AppServices, Roles.Dispatcher);
        var triaged = await browser.AppServices.GetRequiredService<WorkflowService>().ApplyAsync(receipt.Number, 1, new TransitionInput(WorkflowAction.Triage), dispatcher);
        Assert.True(triaged.Succeeded, triaged.Error);

        await Expect(timeline).ToContainTextAsync("Reviewed by the city");
        await Expect(notice).ToHaveTextAsync("This request was just updated.");
        await Expect(page.GetByTestId("update-notice").Locator("[role=alert]")).ToHaveCountAsync(0); // polite, not an interruption
        await page.Context.CloseAsync();
    }
}
