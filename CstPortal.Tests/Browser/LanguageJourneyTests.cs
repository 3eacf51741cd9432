using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CstPortal.Tests.Browser;

[Collection(BrowserCollection.Name)]
public class LanguageJourneyTests(BrowserFixture browser)
{
    [Fact]
    public async Task A_visitor_switches_to_arabic_with_the_visible_switch_and_the_page_turns_right_to_left()
    {
        // Anonymous on purpose: a signed-in demo user's choice is stored and would change the other journeys' language.
        var page = await browser.NewPageAsync();
        await page.GotoAsync("report");
        await Journeys.WaitForInteractiveAsync(page);
        await Expect(page.Locator("html")).ToHaveAttributeAsync("dir", "ltr");

        await page.GetByRole(AriaRole.Button, new() { Name = "Language: العربية" }).ClickAsync();

        await Expect(page.Locator("html")).ToHaveAttributeAsync("dir", "rtl");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "ar");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/report$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("أبلغ عن مشكلة");
        await Expect(page.GetByText("حفرة في الطريق")).ToBeVisibleAsync();
        // MudBlazor's layout follows: the drawer sits on the right.
        await Expect(page.Locator(".mud-application-layout-rtl").First).ToBeAttachedAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "اللغة: English" }).ClickAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("dir", "ltr");
    }

    [Fact]
    public async Task In_arabic_the_focused_skip_link_sits_at_the_right_edge_and_stays_small()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync("report");
        await Journeys.WaitForInteractiveAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Language: العربية" }).ClickAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("dir", "rtl");
        try
        {
            await Journeys.WaitForInteractiveAsync(page); // the switch reloads the page
            var box = await page.EvaluateAsync<double[]>(
                "() => { const a = document.querySelector('.cst-skip-link'); a.focus(); const r = a.getBoundingClientRect(); return [r.left, r.width]; }");
            var (x, w) = (box[0], box[1]);
            var width = await page.EvaluateAsync<double>("() => document.documentElement.clientWidth");

            // Set on both sides, the link would stretch across the page; at the start edge in RTL, it ends near the right.
            Assert.True(w is > 0 && w < 400, $"the skip link is {w}px wide in a {width}px page");
            Assert.InRange(width - (x + w), 0, 24);
        }
        finally
        {
            await page.EvaluateAsync("() => document.activeElement?.blur()"); // a stretched skip link would cover the switch
            await page.GetByRole(AriaRole.Button, new() { Name = "اللغة: English" }).ClickAsync();
            await Expect(page.Locator("html")).ToHaveAttributeAsync("dir", "ltr");
        }
    }

    [Fact]
    public async Task In_arabic_the_maps_own_buttons_pin_and_credits_are_arabic()
    {
        // Leaflet draws these itself; the page passes it their Arabic (Components/Shared/MapTexts.cs). A browser set to Arabic.
        var page = await Chromium.NewPageAsync(browser.Browser, new BrowserNewContextOptions { BaseURL = browser.BaseUrl, Locale = "ar" });
        await page.GotoAsync("report");
        await Journeys.WaitForInteractiveAsync(page);
        await Expect(page.Locator("html")).ToHaveAttributeAsync("dir", "rtl");
        var map = page.Locator(".cst-map");

        await Expect(map.Locator(".leaflet-control-zoom-in")).ToHaveAttributeAsync("title", "تكبير");     // "Zoom in"
        await Expect(map.Locator(".leaflet-control-zoom-out")).ToHaveAttributeAsync("title", "تصغير");    // "Zoom out"
        await Expect(map.Locator(".leaflet-control-attribution")).ToContainTextAsync("© مساهمو OpenStreetMap");
        var box = await map.BoundingBoxAsync() ?? throw new InvalidOperationException("no map");
        await map.ClickAsync(new() { Position = new() { X = box.Width / 2, Y = box.Height / 2 } });
        await Expect(map.Locator(".leaflet-marker-icon")).ToHaveAttributeAsync("title", "الموقع");       // the pin: "Location"
    }
}
