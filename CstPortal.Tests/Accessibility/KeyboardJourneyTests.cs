using CstPortal.Data.DemoCity;
using CstPortal.Features.Addresses;
using CstPortal.Tests.Browser;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CstPortal.Tests.Accessibility;

/// <summary>
/// Whole journeys with the keyboard alone: no clicks and no filling through locators, only key presses and typing.
/// Locators are used to read the page and to wait for it, never to act on it.
/// </summary>
[Collection(BrowserCollection.Name)]
public class KeyboardJourneyTests(BrowserFixture browser)
{
    private static readonly LocatorAssertionsToBeVisibleOptions Slow = new() { Timeout = 20_000 };

    /// <summary>Presses Tab until the focused element matches a JavaScript predicate on <c>el</c> (document.activeElement).</summary>
    private static async Task TabToAsync(IPage page, string predicate, string what, int max = 120, string key = "Tab")
    {
        for (var i = 0; i < max; i++)
        {
            await page.Keyboard.PressAsync(key);
            if (await page.EvaluateAsync<bool>($"() => {{ const el = document.activeElement; return !!el && ({predicate}); }}")) return;
        }
        var focused = await page.EvaluateAsync<string>("() => document.activeElement?.outerHTML?.slice(0, 200) ?? 'nothing'");
        Assert.Fail($"{max} presses of {key} did not reach {what}; focus is on {focused}");
    }

    private static string ButtonNamed(string name, string within = "document") =>
        $"el.matches('button') && el.textContent.trim() === '{name}' && {within}.contains(el)";

    /// <summary>The focused element shows a solid outline (the :focus-visible style), not the browser's faint default or none.</summary>
    private static async Task AssertVisibleFocusAsync(IPage page)
    {
        var focus = await page.EvaluateAsync<string>(
            "() => { const el = document.activeElement, s = getComputedStyle(el); return `${s.outlineStyle} ${s.outlineWidth} on ${el.outerHTML.slice(0, 120)}`; }");
        Assert.StartsWith("solid 3px", focus);
    }

    [Fact]
    public async Task An_anonymous_citizen_reports_a_problem_with_the_keyboard_alone_and_gets_a_tracking_code()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync("report");
        await A11yPages.WaitUntilSettledAsync(page);

        // The skip link is the first focusable element. Navigation puts focus on the page's h1 (for screen readers),
        // so it is a few Shift+Tabs back; focused, it shows itself, and Enter moves focus to the main content.
        Assert.True(await page.EvaluateAsync<bool>(
            "() => document.querySelector('a[href], button, input, select, textarea, [tabindex]:not([tabindex=\"-1\"])')?.classList.contains('cst-skip-link')"),
            "the skip link comes first");
        await TabToAsync(page, "el.classList.contains('cst-skip-link')", "the skip link", max: 30, key: "Shift+Tab");
        var skip = page.Locator(".cst-skip-link");
        var box = await skip.BoundingBoxAsync();
        Assert.True(box is { X: >= 0, Y: >= 0, Width: > 0 }, "the focused skip link is on screen");
        await AssertVisibleFocusAsync(page);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#main-content")).ToBeFocusedAsync();

        await ChoosePotholeAndDescribeAsync(page, "Pothole by the crossing, reported with a keyboard");

        // 3. The pin: focus the map, pan it with an arrow key, Enter puts the pin under the crosshair.
        await TabToAsync(page, "el.classList.contains('cst-map')", "the map");
        await AssertVisibleFocusAsync(page);
        await page.Keyboard.PressAsync("ArrowUp");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByTestId("pin")).ToContainTextAsync("Pin at");
        await TabToAsync(page, "el.matches('input') && el.labels?.[0]?.textContent.includes('Address or landmark')", "the address");
        await page.Keyboard.TypeAsync("Crossing of Mill Road and Elm Street");

        await SendAsync(page);
    }

    [Fact]
    public async Task A_citizen_gives_the_place_by_its_address_with_the_keyboard_instead_of_the_map()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync("report");
        await A11yPages.WaitUntilSettledAsync(page);
        await ChoosePotholeAndDescribeAsync(page, "Pothole outside number 12, placed by its address");

        // 3. The place by address: type part of it, arrow down to the city's address, Enter chooses it and puts the pin there.
        await TabToAsync(page, "el.matches('input') && el.labels?.[0]?.textContent.includes('Find the address')", "the address search");
        await AssertVisibleFocusAsync(page);
        await page.Keyboard.TypeAsync("12 elm ave");
        await Expect(page.GetByRole(AriaRole.Option, new() { Name = "12 Elm Avenue", Exact = true })).ToBeVisibleAsync(Slow);
        const string highlighted = "() => document.querySelector('.mud-popover-open .mud-selected-item')?.textContent.trim()";
        for (var i = 0; i < AddressRegister.MaxMatches && await page.EvaluateAsync<string?>(highlighted) != "12 Elm Avenue"; i++)
            await page.Keyboard.PressAsync("ArrowDown");
        Assert.Equal("12 Elm Avenue", await page.EvaluateAsync<string?>(highlighted));
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByTestId("pin")).ToContainTextAsync("(12 Elm Avenue)");
        await Expect(page.GetByLabel("Address or landmark (optional)")).ToHaveValueAsync("12 Elm Avenue");

        await SendAsync(page);
    }

    /// <summary>Steps 1 and 2 of the report form with keys only: the category and its question, then the description.</summary>
    private static async Task ChoosePotholeAndDescribeAsync(IPage page, string description)
    {
        // 1. The category: Tab into the radio group, arrow keys to "Pothole"; then its question the same way.
        await TabToAsync(page, "el.name === 'category'", "the category choices");
        for (var i = 0; i < 20 && !await page.EvaluateAsync<bool>("() => document.activeElement.closest('label').textContent.trim() === 'Pothole'"); i++)
            await page.Keyboard.PressAsync("ArrowRight");
        await page.Keyboard.PressAsync("Space");
        await Expect(page.GetByRole(AriaRole.Radio, new() { Name = "Pothole", Exact = true })).ToBeCheckedAsync();
        await TabToAsync(page, "el.name === 'q-size'", "the size question");
        for (var i = 0; i < 6 && !await page.EvaluateAsync<bool>("() => document.activeElement.closest('label').textContent.includes('Smaller than a plate')"); i++)
            await page.Keyboard.PressAsync("ArrowDown");
        await page.Keyboard.PressAsync("Space");
        await Expect(page.GetByLabel("Smaller than a plate")).ToBeCheckedAsync();

        // 2. The description, typed.
        await TabToAsync(page, "el.matches('textarea') && el.labels?.[0]?.textContent.includes('Description')", "the description");
        await page.Keyboard.TypeAsync(description);
    }

    /// <summary>Step 4: Tab to the send button and press Enter; the receipt shows a tracking code.</summary>
    private static async Task SendAsync(IPage page)
    {
        await TabToAsync(page, ButtonNamed("Send report"), "the send button");
        await AssertVisibleFocusAsync(page);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByTestId("receipt")).ToBeVisibleAsync(Slow);
        await Expect(page.GetByTestId("receipt-code")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"\S{6,}"));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task An_agent_signs_in_and_records_arrived_work_started_and_resolved_with_the_keyboard_alone()
    {
        var number = await Arrange.AssignedToDemoAgentAsync(browser.AppServices);
        var page = await browser.NewPageAsync(390, 844);
        await page.GotoAsync("Account/Login");

        await TabToAsync(page, "el.id === 'Input.Email'", "the email field");
        await page.Keyboard.TypeAsync($"agent@{DemoCityPlan.EmailDomain}");
        await TabToAsync(page, "el.id === 'Input.Password'", "the password field");
        await page.Keyboard.TypeAsync(DemoCityPlan.DemoPassword);
        await page.Keyboard.PressAsync("Enter");
        await A11yPages.WaitUntilSettledAsync(page);

        // On a phone the navigation sits behind the menu button.
        await TabToAsync(page, "el.getAttribute('aria-label') === 'Menu'", "the menu button");
        await page.Keyboard.PressAsync("Enter");
        await TabToAsync(page, "el.matches('a') && el.textContent.trim() === 'My work'", "the My work link");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("My work");
        await A11yPages.WaitUntilSettledAsync(page);

        // Each outcome is said in the page's polite live region.
        var status = page.Locator("[aria-live=polite]").GetByRole(AriaRole.Alert);
        var card = $"document.querySelector(\"[data-number='{number}']\")";
        await TabToAsync(page, ButtonNamed("Arrived", card), "Arrived on " + number);
        await page.Keyboard.PressAsync("Enter");
        await Expect(status).ToContainTextAsync("Arrival recorded.", new() { Timeout = 15_000 });

        await TabToAsync(page, ButtonNamed("Start work", card), "Start work on " + number);
        await page.Keyboard.PressAsync("Enter");
        await Expect(status).ToContainTextAsync("Work started.", new() { Timeout = 15_000 });

        await TabToAsync(page, $"el.matches('textarea') && {card}.contains(el)", "the resolution note of " + number);
        await page.Keyboard.TypeAsync("Filled and rolled, by keyboard");
        await TabToAsync(page, ButtonNamed("Resolved", card), "Resolved on " + number);
        await page.Keyboard.PressAsync("Enter");
        await Expect(status).ToContainTextAsync("Resolved. Thank you!", new() { Timeout = 15_000 });
        await Expect(page.Locator($"[data-number='{number}']")).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }
}
