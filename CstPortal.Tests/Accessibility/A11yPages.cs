using CstPortal.Common;
using CstPortal.Data.DemoCity;
using CstPortal.Tests.Browser;
using Microsoft.Playwright;

namespace CstPortal.Tests.Accessibility;

/// <summary>Pages for the accessibility tests: signed in as a role, in a language, with axe ready to run.</summary>
public static class A11yPages
{
    /// <summary>The standard ASP.NET Core culture cookie (the languages feature reads it).</summary>
    public const string CultureCookie = ".AspNetCore.Culture";

    public static async Task<IPage> OpenAsync(BrowserFixture browser, string? role, string culture, ViewportSize size, bool withAxe = true)
    {
        var page = await Chromium.NewPageAsync(browser.Browser, new BrowserNewContextOptions { BaseURL = browser.BaseUrl, ViewportSize = size });
        if (withAxe) await Axe.InjectAsync(page.Context);
        // Sign in first (the form's English labels), then choose the language.
        if (role is not null) await Journeys.SignInAsync(page, $"{role.ToLowerInvariant()}@{DemoCityPlan.EmailDomain}");
        await page.Context.AddCookiesAsync([new Cookie { Name = CultureCookie, Value = Uri.EscapeDataString($"c={culture}|uic={culture}"), Url = browser.BaseUrl }]);
        return page;
    }

    /// <summary>The circuit is live and no loading bar is left (data of OnInitializedAsync has arrived).</summary>
    public static async Task WaitUntilSettledAsync(IPage page)
    {
        await Journeys.WaitForInteractiveAsync(page);
        await page.Locator(".mud-progress-linear").First.WaitForAsync(new() { State = WaitForSelectorState.Detached, Timeout = 15_000 });
    }
}

/// <summary>Data the accessibility tests share: one request of the demo citizen, assigned to the demo agent.</summary>
public static class Shared
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static readonly Dictionary<IServiceProvider, string> Numbers = [];

    public static async Task<string> RequestNumberAsync(IServiceProvider app)
    {
        await Gate.WaitAsync();
        try
        {
            if (!Numbers.TryGetValue(app, out var number)) Numbers[app] = number = await Arrange.AssignedToDemoAgentAsync(app);
            return number;
        }
        finally { Gate.Release(); }
    }
}
