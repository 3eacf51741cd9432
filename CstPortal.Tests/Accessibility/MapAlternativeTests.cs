using System.Globalization;
using System.Text.RegularExpressions;
using CstPortal.Common;
using CstPortal.Data.DemoCity;
using CstPortal.Features.Requests;
using CstPortal.Tests.Browser;
using CstPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CstPortal.Tests.Accessibility;

/// <summary>The map is never the only way: each map view has a table with the same requests.</summary>
[Collection(BrowserCollection.Name)]
public partial class MapAlternativeTests(BrowserFixture browser)
{
    private static int Count(string text) =>
        int.Parse(Number().Match(text).Value, NumberStyles.AllowThousands, CultureInfo.GetCultureInfo("en"));

    [Fact]
    public async Task The_public_map_lists_every_request_it_draws_in_a_table()
    {
        // More open requests than the table once showed (50), spread around the centre.
        var requests = browser.AppServices.GetRequiredService<RequestService>();
        var bin = (await requests.CategoriesAsync()).Single(c => c.Name == "Overflowing litter bin");
        for (var i = 0; i < 40; i++)
            Assert.True((await requests.SubmitAsync(new SubmitInput(bin.Id, $"Bin {i} overflowing", Scenario.CityCentre.Lat + 0.0004 * (i % 7),
                Scenario.CityCentre.Lng + 0.0004 * (i / 7), null), Actor.Anonymous)).Succeeded);

        var page = await browser.NewPageAsync();
        await page.GotoAsync("map");
        await A11yPages.WaitUntilSettledAsync(page);

        var markers = page.Locator(".cst-map path.leaflet-interactive");
        var rows = page.GetByTestId("open-list").Locator("tbody tr");
        await Expect(markers.First).ToBeAttachedAsync();
        var total = Count(await page.GetByText(ListedCount()).InnerTextAsync());
        Assert.True(total > 50, $"the test city should have more open requests than a first page ({total})");
        await Expect(markers).ToHaveCountAsync(total);
        await Expect(rows).ToHaveCountAsync(total);
        await Expect(rows.First.GetByRole(AriaRole.Link)).ToHaveAttributeAsync("href", new Regex("^public/requests/CST-"));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_live_map_shows_the_same_open_requests_in_view_as_a_list_that_stays_live()
    {
        var page = await browser.NewPageAsync();
        await Journeys.SignInAsync(page, $"manager@{DemoCityPlan.EmailDomain}");
        await page.GotoAsync("analytics/map");
        await A11yPages.WaitUntilSettledAsync(page);
        var counter = page.GetByTestId("open-in-view");
        await Expect(counter).ToHaveTextAsync(new Regex(@"^[1-9][\d,]* open requests in view$"));
        await Expect(counter).ToHaveAttributeAsync("aria-live", "polite");

        await page.GetByRole(AriaRole.Checkbox, new() { Name = "List", Exact = true }).ClickAsync();
        var map = page.Locator(".cst-map");
        await Expect(map).ToBeHiddenAsync();
        var rows = page.GetByTestId("in-view-list").Locator("tbody tr");
        await Expect(rows.First).ToBeVisibleAsync();
        var inView = Count(await counter.InnerTextAsync());
        await Expect(rows).ToHaveCountAsync(Math.Min(inView, 500));
        await Expect(page.GetByTestId("listed")).ToContainTextAsync(inView > 500 ? "The newest 500" : $"{inView:N0} listed");

        // A new report in view appears in the list (and the count) without a reload; overdue or not, it says so in words.
        var requests = browser.AppServices.GetRequiredService<RequestService>();
        var citizen = await Arrange.DemoActorAsync(browser.AppServices, Roles.Citizen);
        var pothole = (await requests.CategoriesAsync()).Single(c => c.Name == "Pothole");
        var receipt = await requests.SubmitAsync(new SubmitInput(pothole.Id, "Pothole for the list view", Scenario.CityCentre.Lat, Scenario.CityCentre.Lng,
            "3 Market Square", new Dictionary<string, string> { ["size"] = "small" }), citizen);
        Assert.True(receipt.Succeeded, receipt.Error);
        var row = rows.Filter(new() { HasText = receipt.Value!.Number });
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row).ToContainTextAsync("Pothole");
        await Expect(row).ToContainTextAsync("New");
        await Expect(row).ToContainTextAsync("due in");

        await page.GetByRole(AriaRole.Checkbox, new() { Name = "Map", Exact = true }).ClickAsync();
        await Expect(map).ToBeVisibleAsync();
        await Expect(page.GetByTestId("in-view-list")).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }

    [GeneratedRegex(@"[\d,]+")]
    private static partial Regex Number();

    [GeneratedRegex(@"^[\d,]+ requests$")]
    private static partial Regex ListedCount();
}
