using CstPortal.Data.DemoCity;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CstPortal.Tests.Browser;

[Collection(BrowserCollection.Name)]
public class SignInJourneyTests(BrowserFixture browser)
{
    [Fact]
    public async Task The_demo_agent_opens_the_home_page_signs_in_and_finds_their_work()
    {
        var number = await Arrange.AssignedToDemoAgentAsync(browser.AppServices);
        var page = await browser.NewPageAsync();
        await page.GotoAsync("");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Report a problem");

        await Journeys.SignInAsync(page, $"agent@{DemoCityPlan.EmailDomain}");

        var nav = page.GetByRole(AriaRole.Navigation);
        await Expect(nav.GetByRole(AriaRole.Link, new() { Name = "My work" })).ToBeVisibleAsync();
        await Expect(nav.GetByRole(AriaRole.Link, new() { Name = "Audit log" })).ToHaveCountAsync(0);
        await nav.GetByRole(AriaRole.Link, new() { Name = "My work" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "My work" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = number })).ToBeVisibleAsync();
    }

    [Theory]
    [InlineData("citizen", "My requests")]
    [InlineData("dispatcher", "Triage queue")]
    [InlineData("supervisor", "All requests")]
    [InlineData("manager", "All requests")]
    [InlineData("admin", "Audit log")]
    public async Task Every_demo_role_signs_in_and_sees_its_navigation(string who, string link)
    {
        var page = await browser.NewPageAsync();
        await Journeys.SignInAsync(page, $"{who}@{DemoCityPlan.EmailDomain}");

        var nav = page.GetByRole(AriaRole.Navigation);
        await Expect(nav.GetByRole(AriaRole.Link, new() { Name = link })).ToBeVisibleAsync();
        await nav.GetByRole(AriaRole.Link, new() { Name = link }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync(link);
    }

    [Fact]
    public async Task A_wrong_password_is_refused_with_a_message()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync("Account/Login");
        await page.GetByLabel("Email").FillAsync($"manager@{DemoCityPlan.EmailDomain}");
        await page.GetByLabel("Password").FillAsync("not-the-password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in", Exact = true }).ClickAsync();

        await Expect(page.GetByText("Invalid login attempt")).ToBeVisibleAsync();
    }
}
