using CstPortal.Data.DemoCity;
using Microsoft.Playwright;

namespace CstPortal.Tests.Browser;

/// <summary>Steps the browser journeys share.</summary>
public static class Journeys
{
    public static async Task SignInAsync(IPage page, string email)
    {
        await page.GotoAsync("Account/Login");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(DemoCityPlan.DemoPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in", Exact = true }).ClickAsync();
        try { await WaitForInteractiveAsync(page); }
        catch (TimeoutException e)
        {
            var said = await page.Locator("body").InnerTextAsync();
            throw new TimeoutException($"Signing in as {email} did not reach a live page at {page.Url}; it said: {said[..Math.Min(300, said.Length)]}", e);
        }
    }

    /// <summary>Waits until the page's Blazor circuit is live, so clicks reach .NET handlers.</summary>
    public static Task WaitForInteractiveAsync(IPage page) =>
        page.Locator("#cst-interactive").WaitForAsync(new() { State = WaitForSelectorState.Attached });
}
