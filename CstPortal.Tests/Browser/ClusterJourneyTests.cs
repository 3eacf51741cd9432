using CstPortal.Common;
using CstPortal.Data.DemoCity;
using CstPortal.Features.Requests;
using CstPortal.Features.Workflow;
using CstPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CstPortal.Tests.Browser;

/// <summary>
/// Scale-out: a citizen whose circuit lives on node a and an agent whose circuit lives on node b see each other's
/// changes live (PostgreSQL LISTEN/NOTIFY between the nodes). scripts/cluster-proof.sh runs this same test against its
/// two node processes behind nginx.
/// </summary>
public sealed class ClusterJourneyTests : IAsyncLifetime
{
    // Generous: the proof script runs this against two Release nodes, PostgreSQL and nginx on one small busy machine.
    private static readonly LocatorAssertionsToBeVisibleOptions Live = new() { Timeout = 30_000 };
    private static readonly LocatorAssertionsToHaveTextOptions Answered = new() { Timeout = 30_000 };
    private readonly TwoNodeCluster _cluster = new();
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        await _cluster.InitializeAsync();
        _playwright = await Playwright.CreateAsync();
        _browser = await Chromium.LaunchAsync(_playwright);
    }

    [Fact]
    public async Task A_citizen_on_one_node_and_an_agent_on_another_see_each_others_changes_live()
    {
        var app = _cluster.Services;
        var requests = app.GetRequiredService<RequestService>();
        var workflow = app.GetRequiredService<WorkflowService>();
        var dispatcher = await Arrange.DemoActorAsync(app, Roles.Dispatcher);
        var agent = await Arrange.DemoActorAsync(app, Roles.Agent);
        var pothole = (await requests.CategoriesAsync()).Single(c => c.Name == "Pothole");
        var receipt = (await requests.SubmitAsync(new SubmitInput(pothole.Id, "Pothole by the harbour steps, seen from two nodes",
            Scenario.CityCentre.Lat, Scenario.CityCentre.Lng, "2 Market Square", new Dictionary<string, string> { ["size"] = "small" }), Actor.Anonymous)).Value!;
        var number = receipt.Number;
        var agentId = await requests.AgentIdOfAsync(agent.UserId);
        Assert.True((await workflow.ApplyAsync(number, 1, new TransitionInput(WorkflowAction.Triage), dispatcher)).Succeeded);
        Assert.True((await workflow.ApplyAsync(number, 2, new TransitionInput(WorkflowAction.Assign) { AgentId = agentId }, dispatcher)).Succeeded);

        // The citizen follows the request on node a.
        var citizen = await TwoNodeCluster.NewPageAsync(_browser, _cluster.NodeA, 375, 740);
        await citizen.GotoAsync($"track?number={number}&code={receipt.TrackingCode}");
        await Journeys.WaitForInteractiveAsync(citizen);
        await Expect(citizen.GetByText("Crew arrived on site")).ToHaveCountAsync(0);

        // The agent works on node b: the request page and the workbench.
        var agentWork = await TwoNodeCluster.NewPageAsync(_browser, _cluster.NodeB);
        await Journeys.SignInAsync(agentWork, $"agent@{DemoCityPlan.EmailDomain}");
        var agentRequest = await agentWork.Context.NewPageAsync();
        await agentRequest.GotoAsync($"requests/{number}");
        await Journeys.WaitForInteractiveAsync(agentRequest);
        await agentWork.GotoAsync("agent/work");
        await Journeys.WaitForInteractiveAsync(agentWork);
        await agentWork.Locator($"[data-number='{number}']").GetByRole(AriaRole.Button, new() { Name = "Arrived" }).ClickAsync();
        await Expect(agentWork.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Arrival recorded.", Answered);

        // Node b's change reaches the citizen's circuit on node a without a reload...
        await Expect(citizen.GetByText("Crew arrived on site")).ToBeVisibleAsync(Live);

        // ...and the citizen's comment on node a reaches the agent's request page on node b.
        await citizen.GetByLabel("Comment (visible to the city and the public)").FillAsync("The hole is getting deeper near the kerb");
        await citizen.GetByRole(AriaRole.Button, new() { Name = "Post comment" }).ClickAsync();
        await Expect(citizen.GetByText("Your comment was added.")).ToBeVisibleAsync(Live);
        await Expect(agentRequest.GetByText("The hole is getting deeper near the kerb")).ToBeVisibleAsync(Live);

        if (_cluster.InProcessNodes.Count == 2)
        {
            // In the test suite the pages really were on two different apps: each node served its own circuit.
            Assert.StartsWith(_cluster.NodeA.BaseUrl, citizen.Url);
            Assert.StartsWith(_cluster.NodeB.BaseUrl, agentRequest.Url);
            Assert.NotEqual(_cluster.NodeA.BaseUrl, _cluster.NodeB.BaseUrl);
        }
    }

    public async Task DisposeAsync()
    {
        await _browser.CloseAsync();
        _playwright.Dispose();
        await _cluster.DisposeAsync();
    }
}
