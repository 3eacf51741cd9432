using System.Security.Claims;
using Bunit;
using CstPortal.Common;
using CstPortal.Components.Shared;
using CstPortal.Features.Notifications;
using CstPortal.Features.Requests;
using CstPortal.Features.Requests.Pages;
using CstPortal.Features.Workflow;
using CstPortal.Tests.Components;
using CstPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CstPortal.Tests.Accessibility;

/// <summary>
/// Form errors are announced and tied to their fields; live changes are announced politely; colour is never the
/// only signal. Rendered with bUnit on a real test city, asserting the attributes assistive technology reads.
/// </summary>
public class AnnouncementTests : BunitTestBase, IAsyncLifetime
{
    private TestCity _city = default!;

    async Task IAsyncLifetime.InitializeAsync()
    {
        _city = await TestCity.CreateAsync();
        Services.AddSingleton(_city.Get<CitizenService>());
        Services.AddSingleton(_city.Get<CstPortal.Features.Addresses.AddressRegister>());
        Services.AddSingleton(_city.Get<NotificationService>());
        Services.AddSingleton<IHttpContextAccessor, HttpContextAccessor>();
        Services.AddScoped<ClientAddress>();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await _city.DisposeAsync();
    }

    private static void Send(IRenderedComponent<Report> cut) =>
        cut.FindAll("button").Single(b => b.TextContent.Contains("Send report")).Click();

    [Fact]
    public void Report_form_errors_are_announced_and_each_field_points_to_its_own_message()
    {
        AddAuthorization();
        var cut = Render<Report>();
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("input[name=category]")));
        Assert.Empty(cut.FindAll("[aria-invalid=true]"));

        Send(cut);

        cut.WaitForAssertion(() => Assert.Contains("Describe the problem.", cut.Find("[role=alert]").TextContent));
        var description = cut.Find("textarea");
        Assert.Equal("true", description.GetAttribute("aria-invalid"));
        Assert.Equal("Describe the problem.", cut.Find("#" + description.GetAttribute("aria-describedby")).TextContent.Trim());
        var categories = cut.Find("[role=radiogroup]");
        Assert.Equal("true", categories.GetAttribute("aria-invalid"));
        Assert.Equal("Choose a category.", cut.Find("#" + categories.GetAttribute("aria-describedby")).TextContent.Trim());
        var map = cut.Find(".cst-map");
        Assert.StartsWith("Give the place of the problem", cut.Find("#" + map.GetAttribute("aria-describedby")).TextContent.Trim());

        // A fixed field lets go of its message at once; the others keep theirs.
        description.Change("Pothole in front of number 4");
        cut.WaitForAssertion(() => Assert.Null(cut.Find("textarea").GetAttribute("aria-describedby")));
        Assert.Equal("false", cut.Find("textarea").GetAttribute("aria-invalid"));
        Assert.Empty(cut.FindAll("#report-error-description"));
        Assert.DoesNotContain("Describe the problem.", cut.Find("[role=alert]").TextContent);
        Assert.Equal("report-error-category", cut.Find("[role=radiogroup]").GetAttribute("aria-describedby"));
    }

    [Fact]
    public void A_wrong_email_and_an_unanswered_question_are_tied_to_their_fields()
    {
        AddAuthorization();
        var cut = Render<Report>();
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("input[name=category]")));
        cut.FindAll("label.cst-category").Single(l => l.TextContent.Trim() == "Pothole").QuerySelector("input")!.Change(true);
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-question=size] fieldset")));
        cut.FindAll("input[type=email]").Single().Change("not an address");

        Send(cut);

        cut.WaitForAssertion(() => Assert.Equal("report-error-answers", cut.Find("[data-question=size] fieldset").GetAttribute("aria-describedby")));
        Assert.Contains("How big is it?", cut.Find("#report-error-answers").TextContent);
        var email = cut.Find("input[type=email]");
        Assert.Equal("true", email.GetAttribute("aria-invalid"));
        Assert.Equal("The email address does not look right.", cut.Find("#" + email.GetAttribute("aria-describedby")).TextContent.Trim());
    }

    [Fact]
    public async Task The_bell_announces_a_new_unread_count_politely()
    {
        var supervisor = await _city.ActorAsync(Roles.Supervisor);
        await _city.Get<NotificationService>().MarkAllReadAsync(supervisor.UserId!);
        AddAuthorization().SetAuthorized(supervisor.Name).SetRoles(Roles.Supervisor)
            .SetClaims(new Claim(ClaimTypes.NameIdentifier, supervisor.UserId!));
        Render<MudBlazor.MudPopoverProvider>();
        var cut = Render<NotificationBell>();
        var status = () => cut.Find("[data-testid=bell-status]");
        cut.WaitForAssertion(() => Assert.Equal("Notifications", cut.Find("#cst-bell-badge button").GetAttribute("aria-label")));
        Assert.Equal("polite", status().GetAttribute("aria-live"));
        Assert.Equal("status", status().GetAttribute("role"));
        Assert.Equal("", status().TextContent);

        await using (var db = _city.Db())
        {
            Outbox.Enqueue(db, _city.Clock.GetUtcNow().UtcDateTime, NotificationChannel.InApp, "CST-2: resolution target breached", "Body",
                recipientUserId: supervisor.UserId, requestNumber: "CST-2");
            await db.SaveChangesAsync();
        }
        await _city.Get<NotificationDispatcher>().DispatchDueAsync();

        cut.WaitForAssertion(() => Assert.Equal("1 unread notifications", status().TextContent));
    }

    public static TheoryData<int, int, string> DueCases() => new()
    {
        { -1, 9, "due in 9 h" },           // on track: the time left
        { -9, 1, "due in 1 h · at risk" },  // 90% of the time used: at risk, in words
        { -12, -2, "2 h overdue" },         // breached
    };

    [Theory]
    [MemberData(nameof(DueCases))]
    public void SLA_states_are_said_in_words_not_only_by_colour(int startedHours, int dueHours, string text)
    {
        var cut = Render<DueBadge>(p => p.Add(x => x.StartedAt, Now.AddHours(startedHours)).Add(x => x.DueAt, Now.AddHours(dueHours)));

        Assert.StartsWith(text, cut.Find(".mud-typography").TextContent.Trim());
    }

    [Theory]
    [InlineData(RequestStatus.New, "New")]
    [InlineData(RequestStatus.Triaged, "Triaged")]
    [InlineData(RequestStatus.Assigned, "Assigned")]
    [InlineData(RequestStatus.InProgress, "In progress")]
    [InlineData(RequestStatus.Resolved, "Resolved")]
    [InlineData(RequestStatus.Closed, "Closed")]
    public void Every_status_is_named_in_text_beside_its_colour(RequestStatus status, string text)
    {
        var cut = Render<StatusChip>(p => p.Add(x => x.Status, status));

        Assert.Equal(text, cut.Find(".mud-chip").TextContent.Trim());
    }
}
