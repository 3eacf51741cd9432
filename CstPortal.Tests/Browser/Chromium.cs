using Microsoft.Playwright;

namespace CstPortal.Tests.Browser;

/// <summary>Debian's Chromium through Playwright, launched and given pages the same way by every browser fixture.</summary>
public static class Chromium
{
    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) =>
        playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("CST_CHROMIUM") ?? "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });

    /// <summary>A page in a fresh context. Map tiles come from the internet, which tests do not reach: they are refused at once.</summary>
    public static async Task<IPage> NewPageAsync(IBrowser browser, BrowserNewContextOptions options)
    {
        var context = await browser.NewContextAsync(options);
        await context.RouteAsync("https://tile.openstreetmap.org/**", route => route.AbortAsync());
        return await context.NewPageAsync();
    }
}
