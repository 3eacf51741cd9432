using System.Globalization;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using CstPortal.Common;
using CstPortal.Data;
using CstPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CstPortal.Tests.Http;

/// <summary>
/// Numbers and dates follow the reader's chosen culture on the server-rendered pages. The app pins nothing for Arabic:
/// it uses .NET's "ar" culture, whose calendar is the Gregorian one and whose digits are the Latin ones (.NET never
/// substitutes digits), with Arabic month and day names and Arabic separators (٫ for decimals). Each page is read in
/// English too, as the control: the same value, formatted by each culture, and the two differ.
/// </summary>
public class CultureFormatHttpTests(CultureFormatHttpTests.App app) : IClassFixture<CultureFormatHttpTests.App>
{
    public sealed class App : CstAppFactory;

    private static readonly CultureInfo Arabic = CultureInfo.GetCultureInfo(Cultures.Arabic);
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo(Cultures.English);

    /// <summary>A visitor's browser with the culture cookie, as the language switch writes it.</summary>
    private HttpClient Visitor(string culture)
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        client.DefaultRequestHeaders.Add("Cookie", $".AspNetCore.Culture=c={culture}|uic={culture}");
        return client;
    }

    /// <summary>A member of staff signed in, who then chose <paramref name="culture"/> with the page's language switch.</summary>
    private async Task<HttpClient> StaffAsync(string role, string culture)
    {
        var client = await app.SignedInClientAsync(role);
        var form = HttpSignInForm.Hidden(await client.GetStringAsync("/"));
        form["culture"] = culture;
        form["returnUrl"] = "/";
        var answer = await client.PostAsync("/culture", new FormUrlEncodedContent(form));
        Assert.Equal(System.Net.HttpStatusCode.Redirect, answer.StatusCode);
        return client;
    }

    private static async Task<IDocument> PageAsync(HttpClient client, string url) =>
        new HtmlParser().ParseDocument(await client.GetStringAsync(url));

    private static void AssertLatinDigitsOnly(string text) => Assert.DoesNotMatch("[\u0660-\u0669\u06F0-\u06F9]", text);

    [Fact]
    public async Task The_public_request_page_shows_when_it_was_reported_in_the_readers_culture()
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<CstDbContext>>().CreateDbContextAsync();
        var request = await db.Requests.OrderBy(r => r.Id).Select(r => new { r.Number, r.CreatedAt }).FirstAsync();
        var (number, reported) = (request.Number, request.CreatedAt);
        const string format = "ddd d MMM yyyy HH:mm";

        var arabic = await PageAsync(Visitor("ar"), $"/public/requests/{number}");
        var english = await PageAsync(Visitor("en"), $"/public/requests/{number}");

        string ReportedCell(IDocument page, string culture) =>
            page.QuerySelectorAll("th[scope=row]").Single(th => th.TextContent.Trim() == Cultures.With(culture, () => Texts.Get("Reported")))
                .NextElementSibling!.TextContent.Trim();
        var inArabic = ReportedCell(arabic, "ar");
        Assert.Equal($"{reported.ToString(format, Arabic)} UTC", inArabic);
        Assert.Equal($"{reported.ToString(format, English)} UTC", ReportedCell(english, "en"));
        Assert.NotEqual(reported.ToString(format, English), reported.ToString(format, Arabic)); // the control can tell them apart
        Assert.Contains(Arabic.DateTimeFormat.GetAbbreviatedMonthName(reported.Month), inArabic);
        Assert.Contains(reported.Year.ToString(CultureInfo.InvariantCulture), inArabic); // Gregorian year, Latin digits
        AssertLatinDigitsOnly(inArabic);

        // The timeline opens with the same moment, in the same format.
        Assert.Contains(reported.ToString(format, Arabic), arabic.QuerySelector(".cst-timeline")!.TextContent);
        Assert.Contains(reported.ToString(format, English), english.QuerySelector(".cst-timeline")!.TextContent);
    }

    [Fact]
    public async Task The_sla_dashboard_shows_its_figures_and_breach_dates_in_the_readers_culture()
    {
        var arabic = await PageAsync(await StaffAsync("manager", "ar"), "/analytics/dashboard");
        var english = await PageAsync(await StaffAsync("manager", "en"), "/analytics/dashboard");
        Assert.Equal("rtl", arabic.DocumentElement.GetAttribute("dir"));

        string Kpi(IDocument page, string culture, string label) =>
            page.QuerySelector($"[data-kpi='{Cultures.With(culture, () => Texts.Get(label))}']")!.TextContent.Trim();

        // A percentage with one decimal: "87.3 %" in English is "87٫3 %" in Arabic.
        var percent = Kpi(english, "en", "Resolution SLA met");
        Assert.Matches(@"^\d+\.\d %$", percent);
        var share = double.Parse(percent[..^2], English);
        Assert.Equal($"{share.ToString("0.0", Arabic)} %", Kpi(arabic, "ar", "Resolution SLA met"));
        Assert.Contains("٫", Kpi(arabic, "ar", "Resolution SLA met"));

        // A duration: "5.2 h" (or "d") in English; the Arabic figure is the same number in Arabic format, with its Arabic unit.
        var median = Kpi(english, "en", "Median time to resolve");
        Assert.Matches(@"^\d+\.\d [hd]$", median);
        var (value, unit) = (double.Parse(median[..^2], English), median[^1..]);
        Assert.Equal(Cultures.With("ar", () => Texts.Get($"{{0}} {unit}", value.ToString("0.0", Arabic))), Kpi(arabic, "ar", "Median time to resolve"));

        // The breaches' due dates: day, month name and year in the reader's culture, not a fixed yyyy-MM-dd.
        const string format = "d MMM yyyy HH:mm";
        Dictionary<string, string> Due(IDocument page) => page.QuerySelectorAll("tr").Where(tr => tr.Children.Length == 6 && tr.QuerySelector("a") is not null)
            .ToDictionary(tr => tr.Children[0].TextContent.Trim(), tr => tr.Children[4].TextContent.Trim());
        var (dueInEnglish, dueInArabic) = (Due(english), Due(arabic));
        var number = dueInEnglish.Keys.Intersect(dueInArabic.Keys).First();
        var due = DateTime.ParseExact(dueInEnglish[number], format, English);
        Assert.Equal(due.ToString(format, Arabic), dueInArabic[number]);
        Assert.NotEqual(dueInEnglish[number], dueInArabic[number]);
        Assert.Contains(Arabic.DateTimeFormat.GetAbbreviatedMonthName(due.Month), dueInArabic[number]);
        AssertLatinDigitsOnly(dueInArabic[number]);
    }
}
