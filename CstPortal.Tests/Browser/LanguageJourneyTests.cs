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
}
