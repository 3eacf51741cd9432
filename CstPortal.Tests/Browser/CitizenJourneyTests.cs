using System.Globalization;
using System.Text.RegularExpressions;
using CstPortal.Common;
using CstPortal.Data.DemoCity;
using CstPortal.Features.Requests;
using CstPortal.Features.Workflow;
using CstPortal.Tests.Features.Requests;
using CstPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CstPortal.Tests.Browser;

[Collection(BrowserCollection.Name)]
public partial class CitizenJourneyTests(BrowserFixture browser)
{
    /// <summary>Sending decodes and re-encodes photos and writes the database: give it more than the default 5 s on a busy machine.</summary>
    private static readonly LocatorAssertionsToBeVisibleOptions Slow = new() { Timeout = 20_000 };

    private RequestService Requests => browser.AppServices.GetRequiredService<RequestService>();
    private WorkflowService Workflow => browser.AppServices.GetRequiredService<WorkflowService>();

    /// <summary>Opens the report form and picks a category (from its group) and a point in the middle of the map.</summary>
    private static async Task StartReportAsync(IPage page, string category = "Pothole")
    {
        await page.GotoAsync("report");
        await Journeys.WaitForInteractiveAsync(page);
        await page.GetByRole(AriaRole.Radio, new() { Name = category, Exact = true }).CheckAsync();
        if (category == "Pothole") await page.GetByLabel("Smaller than a plate").CheckAsync();
        if (category == "Street light out") await page.GetByLabel("How many lights are out?").FillAsync("2");
        var map = page.Locator(".cst-map");
        var box = await map.BoundingBoxAsync() ?? throw new InvalidOperationException("no map");
        await map.ClickAsync(new() { Position = new() { X = box.Width / 2, Y = box.Height / 2 } });
        await Expect(page.GetByTestId("pin")).ToContainTextAsync("Pin at");
    }

    private static async Task<(double Lat, double Lng)> PinAsync(IPage page)
    {
        var text = await page.GetByTestId("pin").InnerTextAsync();
        var m = PinText().Match(text);
        return (double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task An_anonymous_reporter_sends_a_photo_and_a_pin_then_follows_the_timeline_live_by_code()
    {
        var page = await browser.NewPageAsync();
        await StartReportAsync(page);
        await page.GetByLabel("Description").FillAsync("Wide pothole in the cycle lane");
        await page.Locator("#report-photos").SetInputFilesAsync(new FilePayload { Name = "pothole.jpg", MimeType = "image/jpeg", Buffer = TestImages.JpegWithGpsExif() });
        await Expect(page.GetByText("pothole.jpg")).ToBeVisibleAsync();
        await page.GetByLabel("Your email (optional").FillAsync("walker@example.org");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send report" }).ClickAsync();

        await Expect(page.GetByTestId("receipt")).ToBeVisibleAsync(Slow);
        var number = await page.GetByTestId("receipt-number").InnerTextAsync();
        var code = await page.GetByTestId("receipt-code").InnerTextAsync();
        await Expect(page.GetByText("Expected fix by")).ToBeVisibleAsync();

        // A fresh visitor with only the number and the code.
        var tracker = await browser.NewPageAsync();
        await tracker.GotoAsync("track");
        await Journeys.WaitForInteractiveAsync(tracker);
        await tracker.GetByLabel("Request number").FillAsync(number);
        await tracker.GetByLabel("Tracking code").FillAsync(code);
        await tracker.GetByRole(AriaRole.Button, new() { Name = "Show progress" }).ClickAsync();
        var timeline = tracker.GetByTestId("timeline");
        await Expect(timeline).ToContainTextAsync("Reported");
        await Expect(tracker.Locator(".cst-photos img")).ToHaveCountAsync(1);
        await Expect(tracker.GetByText("walker@example.org")).ToHaveCountAsync(0);

        // Staff act; the open page shows it without a reload.
        var dispatcher = await Arrange.DemoActorAsync(browser.AppServices, Roles.Dispatcher);
        Assert.True((await Workflow.ApplyAsync(number, 1, new TransitionInput(WorkflowAction.Triage), dispatcher)).Succeeded);
        await Expect(timeline).ToContainTextAsync("Reviewed by the city");
        await Expect(tracker.GetByText("This request was just updated.")).ToBeVisibleAsync();

        // The photo is served through the app, re-encoded: no EXIF left.
        var src = await tracker.Locator(".cst-photos img").GetAttributeAsync("src");
        var photo = await tracker.APIRequest.GetAsync(src!.Replace("?thumb=true", ""));
        Assert.Equal(200, photo.Status);
        Assert.False(TestImages.ContainsExif(await photo.BodyAsync()));
    }

    [Fact]
    public async Task A_signed_in_citizen_reports_finds_it_under_my_requests_and_comments()
    {
        var page = await browser.NewPageAsync();
        await Journeys.SignInAsync(page, $"citizen@{DemoCityPlan.EmailDomain}");
        await StartReportAsync(page);
        await page.GetByLabel("Description").FillAsync("Pothole where the bus stops");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send report" }).ClickAsync();
        await Expect(page.GetByTestId("receipt")).ToBeVisibleAsync(Slow);
        var number = await page.GetByTestId("receipt-number").InnerTextAsync();
        await Expect(page.GetByTestId("receipt-code")).ToHaveCountAsync(0);

        await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "My requests" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = number }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync(number);
        await Journeys.WaitForInteractiveAsync(page);
        await page.GetByLabel("Comment (visible to the city and the public)").FillAsync("The bus drives around it <b>now</b>");
        await page.GetByRole(AriaRole.Button, new() { Name = "Post comment" }).ClickAsync();

        await Expect(page.GetByText("The bus drives around it <b>now</b>")).ToBeVisibleAsync(); // text, not HTML
    }

    [Fact]
    public async Task A_nearby_open_report_is_offered_and_joining_it_makes_the_citizen_a_supporter()
    {
        var page = await browser.NewPageAsync();
        await Journeys.SignInAsync(page, $"citizen@{DemoCityPlan.EmailDomain}");
        await StartReportAsync(page, "Street light out");
        var (lat, lng) = await PinAsync(page);
        var someoneElse = Actor.Anonymous;
        var light = (await Requests.CategoriesAsync()).Single(c => c.Name == "Street light out");
        var master = await Requests.SubmitAsync(new SubmitInput(light.Id, "Street light dark all night", lat + 0.0001, lng, null,
            new Dictionary<string, string> { ["count"] = "1" }), someoneElse);
        Assert.True(master.Succeeded, master.Error);

        await page.GetByRole(AriaRole.Radio, new() { Name = "Pothole", Exact = true }).CheckAsync();
        await page.GetByRole(AriaRole.Radio, new() { Name = "Street light out", Exact = true }).CheckAsync();
        var offer = page.Locator($"[data-duplicate='{master.Value!.Number}']");
        await Expect(offer).ToBeVisibleAsync();
        await offer.GetByRole(AriaRole.Button, new() { Name = "Add my report to this one" }).ClickAsync();

        await Expect(page.GetByText($"Your report was added to request {master.Value.Number}")).ToBeVisibleAsync();
        var public_ = await browser.NewPageAsync();
        await public_.GotoAsync($"public/requests/{master.Value.Number}");
        await Expect(public_.GetByText("1 more people reported this problem.")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task The_reporter_rates_the_service_once_after_resolution()
    {
        var citizen = await Arrange.DemoActorAsync(browser.AppServices, Roles.Citizen);
        var number = await Arrange.AssignedToDemoAgentAsync(browser.AppServices);
        var agent = await Arrange.DemoActorAsync(browser.AppServices, Roles.Agent);
        Assert.True((await Workflow.ApplyAsync(number, 3, new TransitionInput(WorkflowAction.Start), agent)).Succeeded);
        Assert.True((await Workflow.ApplyAsync(number, 4, new TransitionInput(WorkflowAction.Resolve) { ResolutionNote = "Filled and rolled" }, agent)).Succeeded);

        var page = await browser.NewPageAsync();
        await Journeys.SignInAsync(page, $"citizen@{DemoCityPlan.EmailDomain}");
        await page.GotoAsync($"requests/{number}");
        await Journeys.WaitForInteractiveAsync(page);
        await Expect(page.GetByText("Rate the service")).ToBeVisibleAsync();
        await page.GetByLabel("4 of 5 stars").CheckAsync();
        await page.GetByLabel("Anything to add? (optional)").FillAsync("Fixed in a day");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send rating" }).ClickAsync();

        await Expect(page.GetByTestId("rating")).ToContainTextAsync("4 of 5 stars");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Send rating" })).ToHaveCountAsync(0);
        var stored = await browser.AppServices.GetRequiredService<CitizenService>().ViewAsync(number, citizen, code: null);
        Assert.Equal(4, stored.Value!.RatingStars);
        Assert.Equal("Fixed in a day", stored.Value.RatingText);
    }

    [Fact]
    public async Task On_a_375_px_phone_the_report_form_works_with_the_browser_location_and_nothing_overflows()
    {
        var page = await Chromium.NewPageAsync(browser.Browser, new BrowserNewContextOptions
        {
            BaseURL = browser.BaseUrl, ViewportSize = new ViewportSize { Width = 375, Height = 740 }, IsMobile = true, HasTouch = true,
            Permissions = ["geolocation"], Geolocation = new Geolocation { Latitude = (float)Scenario.CityCentre.Lat, Longitude = (float)Scenario.CityCentre.Lng },
        });
        await page.GotoAsync("report");
        await Journeys.WaitForInteractiveAsync(page);
        await page.GetByRole(AriaRole.Radio, new() { Name = "Street light out", Exact = true }).CheckAsync();
        await page.GetByLabel("How many lights are out?").FillAsync("1");
        await page.GetByLabel("Description").FillAsync("Lamp post flickering at the corner");
        await page.GetByRole(AriaRole.Button, new() { Name = "Use my location" }).ClickAsync();
        await Expect(page.GetByTestId("pin")).ToContainTextAsync("Pin at");
        var (lat, lng) = await PinAsync(page);
        Assert.True(CstPortal.Features.Duplicates.DuplicateScoring.DistanceMeters(lat, lng, Scenario.CityCentre.Lat, Scenario.CityCentre.Lng) < 5);
        var overflow = await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth");
        Assert.False(overflow);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send report" }).ClickAsync();

        await Expect(page.GetByTestId("receipt")).ToBeVisibleAsync(Slow);
        await Expect(page.GetByTestId("tracking-link")).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [GeneratedRegex(@"Pin at (-?[\d.]+), (-?[\d.]+)")]
    private static partial Regex PinText();
}
