using CstPortal.Common;
using CstPortal.Data;
using CstPortal.Data.DemoCity;
using CstPortal.Features.Requests;
using CstPortal.Features.Workflow;
using CstPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace CstPortal.Tests.Browser;

/// <summary>Puts the running app into a known state through its own feature services (never behind their back).</summary>
public static class Arrange
{
    public static async Task<Actor> DemoActorAsync(IServiceProvider app, string role)
    {
        await using var scope = app.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByEmailAsync(DemoCityPlan.Users.Single(u => u.Role == role).Email) ?? throw new InvalidOperationException(role);
        return new Actor(user.Id, user.DisplayName, new HashSet<string> { role });
    }

    /// <summary>A fresh pothole report, triaged and assigned to the demo agent; returns its number.</summary>
    public static async Task<string> AssignedToDemoAgentAsync(IServiceProvider app)
    {
        var requests = app.GetRequiredService<RequestService>();
        var workflow = app.GetRequiredService<WorkflowService>();
        var citizen = await DemoActorAsync(app, Roles.Citizen);
        var dispatcher = await DemoActorAsync(app, Roles.Dispatcher);
        var agent = await DemoActorAsync(app, Roles.Agent);
        var pothole = (await requests.CategoriesAsync()).Single(c => c.Name == "Pothole");
        var receipt = await requests.SubmitAsync(new SubmitInput(pothole.Id, "Pothole for the agent journey",
            Scenario.CityCentre.Lat, Scenario.CityCentre.Lng, "1 Market Square", new Dictionary<string, string> { ["size"] = "small" }), citizen);
        var number = receipt.Value!.Number;
        var agentId = await requests.AgentIdOfAsync(agent.UserId) ?? throw new InvalidOperationException("demo agent");

        Must(await workflow.ApplyAsync(number, 1, new TransitionInput(WorkflowAction.Triage), dispatcher));
        Must(await workflow.ApplyAsync(number, 2, new TransitionInput(WorkflowAction.Assign) { AgentId = agentId }, dispatcher));
        return number;
    }

    private static void Must(Result r)
    {
        if (!r.Succeeded) throw new InvalidOperationException(r.Error);
    }
}
