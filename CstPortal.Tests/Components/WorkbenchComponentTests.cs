using AngleSharp.Dom;
using System.Security.Claims;
using Bunit;
using CstPortal.Common;
using CstPortal.Features.Assignment;
using CstPortal.Features.Assignment.Pages;
using CstPortal.Features.Requests;
using CstPortal.Features.Workflow;
using CstPortal.Tests.Browser;
using CstPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CstPortal.Tests.Components;

public class WorkbenchComponentTests : BunitTestBase
{
    private static WorkItem Item(RequestStatus status, bool arrived = false) =>
        new("CST-2026-000777", 3, status, "Pothole", Priority.P2, "1 Market Square", "Old Town", "Deep hole",
            40.04, -83.0, Now.AddHours(-2), Now.AddHours(6), arrived, false);

    [Fact]
    public void An_assigned_request_offers_arrived_start_and_hand_back_but_not_resolve()
    {
        var cut = Render<WorkItemCard>(p => p.Add(c => c.Item, Item(RequestStatus.Assigned)));

        var buttons = cut.FindAll("button").Select(b => b.TextContent.Trim()).ToList();
        Assert.Contains("Arrived", buttons);
        Assert.Contains("Start work", buttons);
        Assert.DoesNotContain("Resolved", buttons);
        Assert.Contains("Hand back", cut.Markup);
    }

    [Fact]
    public void Once_arrival_is_recorded_the_arrived_button_is_gone()
    {
        var cut = Render<WorkItemCard>(p => p.Add(c => c.Item, Item(RequestStatus.InProgress, arrived: true)));

        Assert.DoesNotContain(cut.FindAll("button"), b => b.TextContent.Trim() == "Arrived");
        Assert.Contains("Arrival recorded.", cut.Markup);
    }

    [Fact]
    public void Resolving_sends_the_resolution_note_with_the_milestone()
    {
        (FieldMilestone, string?)? got = null;
        var cut = Render<WorkItemCard>(p => p
            .Add(c => c.Item, Item(RequestStatus.InProgress))
            .Add(c => c.OnMilestone, m => got = m));

        cut.Find("textarea").Input("Filled with cold asphalt");
        cut.FindAll("button").Single(b => b.TextContent.Trim() == "Resolved").Click();

        Assert.Equal((FieldMilestone.Resolved, "Filled with cold asphalt"), got);
    }

    [Fact]
    public void The_hand_back_and_note_forms_open_on_demand_one_at_a_time_and_send_what_was_typed()
    {
        string? handedBack = null, note = null;
        var cut = Render<WorkItemCard>(p => p
            .Add(c => c.Item, Item(RequestStatus.Assigned))
            .Add(c => c.OnHandBack, r => handedBack = r)
            .Add(c => c.OnNote, n => note = n));
        IElement Button(string text) => cut.FindAll("button").Single(b => b.TextContent.Trim() == text);

        Assert.Empty(cut.FindAll("input, textarea")); // closed forms are not rendered at all
        Assert.Equal("false", Button("Hand back").GetAttribute("aria-expanded"));

        Button("Hand back").Click();
        Assert.Equal("true", cut.FindAll("button").First(b => b.TextContent.Trim() == "Hand back").GetAttribute("aria-expanded"));
        cut.Find("input").Change("Needs a crane");
        cut.FindAll("button").Last(b => b.TextContent.Trim() == "Hand back").Click();
        Assert.Equal("Needs a crane", handedBack);

        Button("Note or reply").Click(); // opening the note form closes the hand-back form
        Assert.Single(cut.FindAll("textarea"));
        Assert.Empty(cut.FindAll("input:not([type=hidden])"));
        cut.Find("textarea").Input("Cones placed");
        Button("Add internal note").Click();
        Assert.Equal("Cones placed", note);
    }

    [Fact]
    public async Task A_new_assignment_appears_on_the_open_workbench_without_reload()
    {
        await using var city = await TestCity.CreateAsync();
        var agent = await city.ActorAsync(Roles.Agent);
        Services.AddSingleton(city.Get<StaffWorkService>());
        Services.AddSingleton(city.Get<RequestEvents>());
        var auth = AddAuthorization();
        auth.SetAuthorized(agent.Name);
        auth.SetRoles(Roles.Agent);
        auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, agent.UserId!));

        var cut = Render<AgentWorkbench>();
        cut.WaitForAssertion(() => Assert.Contains("most urgent first", cut.Markup));

        var number = await Arrange.AssignedToDemoAgentAsync(city.Services);

        cut.WaitForAssertion(() =>
        {
            Assert.Contains("New assignment:", cut.Markup);
            Assert.NotEmpty(cut.FindAll($"[data-number='{number}']"));
        }, TimeSpan.FromSeconds(10));
    }
}
