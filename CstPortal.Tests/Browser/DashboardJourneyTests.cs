using System.Globalization;
using System.Text;
using CsvHelper;
using CstPortal.Data.DemoCity;
using CstPortal.Features.Analytics;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CstPortal.Tests.Browser;

[Collection(BrowserCollection.Name)]
public class DashboardJourneyTests(BrowserFixture browser)
{
    [Fact]
    public async Task The_manager_downloads_the_csv_and_finds_the_requests_the_dashboard_counted()
    {
        var page = await browser.NewPageAsync();
        await Journeys.SignInAsync(page, $"manager@{DemoCityPlan.EmailDomain}");
        await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "SLA dashboard" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("SLA dashboard");
        await Journeys.WaitForInteractiveAsync(page);
        var opened = page.Locator("[data-kpi='Opened']");
        await Expect(opened).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^[1-9][\d,]*$"));
        var count = int.Parse(await opened.InnerTextAsync(), NumberStyles.AllowThousands, CultureInfo.GetCultureInfo("en"));
        await Expect(page.GetByText("Response SLA met").First).ToBeVisibleAsync();

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Download CSV" }).ClickAsync());
        await Expect(page.GetByTestId("download-status")).ToContainTextAsync("Downloaded");

        Assert.EndsWith(".csv", download.SuggestedFilename);
        var path = await download.PathAsync();
        var bytes = await File.ReadAllBytesAsync(path!);
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        Assert.StartsWith("Number,Category", Encoding.UTF8.GetString(bytes[3..]));
        using var reader = CsvReader.Create(new MemoryStream(bytes));
        Assert.Equal(count, reader.GetRecords<RequestExportRow>().Count());
    }
}
