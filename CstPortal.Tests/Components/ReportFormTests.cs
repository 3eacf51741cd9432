using Bunit;
using CstPortal.Features.Requests;
using CstPortal.Features.Requests.Pages;
using CstPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CstPortal.Tests.Components;

/// <summary>The report form on a real test city: it says what is missing before anything is sent.</summary>
public class ReportFormTests : BunitTestBase, IAsyncLifetime
{
    private TestCity _city = default!;

    private async Task SetUpAsync()
    {
        _city = await TestCity.CreateAsync();
        Services.AddSingleton(_city.Get<CitizenService>());
        Services.AddSingleton(_city.Get<CstPortal.Features.Addresses.AddressRegister>());
        Services.AddSingleton<IHttpContextAccessor, HttpContextAccessor>();
        Services.AddScoped<ClientAddress>();
        AddAuthorization(); // not signed in: an anonymous reporter
    }

    Task IAsyncLifetime.InitializeAsync() => SetUpAsync();

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        await _city.DisposeAsync();
    }

    [Fact]
    public async Task Sending_an_empty_form_lists_what_is_missing_and_sends_nothing()
    {
        var before = await _city.RequestCountAsync();
        var cut = Render<Report>();
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("input[name=category]")));

        cut.FindAll("button").Single(b => b.TextContent.Contains("Send report")).Click();

        cut.WaitForAssertion(() =>
        {
            var alert = cut.Find("[role=alert]");
            Assert.Contains("Choose a category.", alert.TextContent);
            Assert.Contains("Describe the problem.", alert.TextContent);
            Assert.Contains("Give the place of the problem", alert.TextContent);
        });
        Assert.Equal(before, await _city.RequestCountAsync());
    }

    [Fact]
    public void A_category_shows_its_questions_and_a_required_one_must_be_answered()
    {
        var cut = Render<Report>();
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("input[name=category]")));
        var pothole = cut.FindAll("label.cst-category").Single(l => l.TextContent.Trim() == "Pothole");

        pothole.QuerySelector("input")!.Change(true);

        cut.WaitForAssertion(() => Assert.Contains("How big is it? *", cut.Markup));
        cut.FindAll("button").Single(b => b.TextContent.Contains("Send report")).Click();
        cut.WaitForAssertion(() => Assert.Contains("Answer the question \"How big is it?\".", cut.Find("[role=alert]").TextContent));
        Assert.DoesNotContain("Choose a category.", cut.Find("[role=alert]").TextContent);

        cut.FindAll("[data-question=size] input[type=radio]")[0].Change(true);
        cut.FindAll("button").Single(b => b.TextContent.Contains("Send report")).Click();
        cut.WaitForAssertion(() => Assert.DoesNotContain("How big is it?", cut.Find("[role=alert]").TextContent));
    }

    [Fact]
    public void An_anonymous_reporter_is_told_about_the_tracking_code_and_may_leave_an_email()
    {
        var cut = Render<Report>();

        cut.WaitForAssertion(() =>
        {
            Assert.Contains("You will get a tracking code", cut.Markup);
            Assert.Contains("Your email (optional", cut.Markup);
        });
    }
}
