using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;
using CstPortal.Common;
using CstPortal.Data.DemoCity;
using CstPortal.Tests.Browser;
using CstPortal.Tests.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace CstPortal.Tests.Accessibility;

/// <summary>
/// axe-core on every page of the app (every page route of the assembly, each reached as the first identity the
/// <see cref="AccessMatrix"/> lets in), in English and Arabic, at phone and desktop sizes, after the circuit is live.
/// Any serious or critical WCAG 2.0/2.1/2.2 A or AA violation fails, listed by page, rule, impact and elements.
/// One browser context per identity and language: signed in once, then page after page.
/// </summary>
[Collection(BrowserCollection.Name)]
public partial class AxeTests(BrowserFixture browser, ITestOutputHelper output)
{
    public static readonly ViewportSize Phone = new() { Width = 390, Height = 844 };
    public static readonly ViewportSize Desktop = new() { Width = 1280, Height = 800 };
    public static readonly string[] Cultures = ["en", "ar"];

    /// <summary>Who visits which pages: anonymous for public pages, else the first role (in this order) the matrix allows.</summary>
    private static readonly string?[] VisitOrder = [null, Roles.Citizen, Roles.Agent, Roles.Dispatcher, Roles.Supervisor, Roles.Manager, Roles.Admin];

    /// <summary>The identities that visit at least one page.</summary>
    /// <summary>Second states of pages, audited too after their first state: the form's errors, the list and map views.</summary>
    /// <remarks>Controls are found by their name in the page's language (the same resources the page uses).</remarks>
    private static readonly Dictionary<string, Func<IPage, string, Task>> SecondStates = new()
    {
        ["/report"] = async (page, culture) =>
        {
            await page.GetByRole(AriaRole.Button, new() { Name = Texts.In(culture, "Send report") }).ClickAsync();
            await page.Locator("#report-error-description").WaitForAsync();
        },
        ["/analytics/map"] = async (page, culture) =>
        {
            await page.GetByRole(AriaRole.Checkbox, new() { Name = Texts.In(culture, "List"), Exact = true }).ClickAsync();
            await page.GetByTestId("in-view-list").WaitForAsync();
        },
        // The account forms after an empty submit (a new page: they are statically rendered): the alert summary and
        // each field tied to its message.
        ["/Account/Login"] = (page, culture) => SubmitEmptyAsync(page, Texts.In(culture, "Log in")),
        ["/Account/Register"] = (page, culture) => SubmitEmptyAsync(page, Texts.In(culture, "Register")),
        ["/agent/work"] = async (page, culture) =>
        {
            await page.GetByRole(AriaRole.Checkbox, new() { Name = Texts.In(culture, "Map"), Exact = true }).ClickAsync();
            await page.Locator(".cst-map.leaflet-container").WaitForAsync();
        },
    };

    private static async Task SubmitEmptyAsync(IPage page, string button)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = button, Exact = true }).ClickAsync();
        await page.Locator("[role=alert] .validation-errors").WaitForAsync();
    }

    public static TheoryData<string> Identities() =>
        [.. VisitOrder.Where(role => PageRoutes().Any(p => VisitorOf(p.Template) == role)).Select(role => role ?? "anonymous")];

    /// <summary>Every page template of the app (Blazor [Route]s), with whether it is static (Identity pages) or interactive.</summary>
    public static IReadOnlyList<(string Template, bool Static)> PageRoutes() => typeof(Program).Assembly.GetTypes()
        .SelectMany(t => t.GetCustomAttributes<RouteAttribute>().Select(r => (r.Template, Static: IsStatic(t))))
        .Distinct().OrderBy(p => p.Template, StringComparer.Ordinal).ToList();

    private static bool IsStatic(Type page) =>
        page.GetCustomAttributes(inherit: true).Any(a => a.GetType().Name == "ExcludeFromInteractiveRoutingAttribute");

    public static string? VisitorOf(string template)
    {
        var access = AccessMatrix.Rows.TryGetValue("GET " + template, out var a)
            ? a : throw new InvalidOperationException($"GET {template} is not in the access matrix");
        return VisitOrder.First(role => access.Allows(role));
    }

    [Fact]
    public void Every_page_has_a_visitor()
    {
        var pages = PageRoutes();
        Assert.True(pages.Count > 40, $"only {pages.Count} page routes found");
        Assert.All(pages, p => Assert.True(VisitorOf(p.Template) is not null || AccessMatrix.Rows["GET " + p.Template].Anonymous, p.Template));
    }

    [Theory]
    [MemberData(nameof(Identities))]
    public async Task Pages_have_no_serious_or_critical_axe_violations_in_both_languages_at_phone_and_desktop_size(string identity)
    {
        var role = identity == "anonymous" ? null : identity;
        var number = await Shared.RequestNumberAsync(browser.AppServices);
        var pages = PageRoutes().Where(p => VisitorOf(p.Template) == role).ToList();
        if (role == Roles.Dispatcher) pages.Add(("/requests/{Number}", false)); // the staff side of the request page
        Assert.NotEmpty(pages);

        var problems = new List<string>();
        var clock = Stopwatch.StartNew();
        foreach (var culture in Cultures)
        {
            var page = await A11yPages.OpenAsync(browser, role, culture, Desktop);
            foreach (var (template, isStatic) in pages)
            {
                var url = Parameter().Replace(template, m => m.Groups[1].Value == "Number" ? number : "x").TrimStart('/');
                foreach (var size in new[] { Desktop, Phone })
                {
                    var started = clock.Elapsed;
                    await page.SetViewportSizeAsync(size.Width, size.Height);
                    await page.GotoAsync(url);
                    if (!isStatic) await A11yPages.WaitUntilSettledAsync(page);
                    problems.Add(Axe.Describe($"[{identity} {culture} {size.Width}px] /{url}", await Axe.SeriousViolationsAsync(page)));
                    if (SecondStates.TryGetValue(template, out var change))
                    {
                        await change(page, culture);
                        problems.Add(Axe.Describe($"[{identity} {culture} {size.Width}px] /{url} (second state)", await Axe.SeriousViolationsAsync(page)));
                    }
                    output.WriteLine($"{culture} {size.Width}px /{url}: {(clock.Elapsed - started).TotalSeconds:F1} s");
                }
            }
            await page.Context.CloseAsync();
        }
        output.WriteLine($"{identity}: {pages.Count} pages × 2 languages × 2 sizes in {clock.Elapsed.TotalSeconds:F1} s");
        var report = string.Concat(problems);
        Assert.True(report.Length == 0, "Serious or critical accessibility violations:\n" + report);
    }

    [GeneratedRegex(@"\{\**([A-Za-z_]+)[^}]*\}")]
    private static partial Regex Parameter();
}
