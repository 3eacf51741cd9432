using CstPortal.Common;
using CstPortal.Data.DemoCity;
using CstPortal.Features.Requests;
using CstPortal.Features.Workflow;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CstPortal.Tests.Infrastructure;

/// <summary>Small steps tests take often: report a problem, look a request up, act on it.</summary>
public static class Scenario
{
    public static readonly (double Lat, double Lng) CityCentre = (DemoCityPlan.CenterLat, DemoCityPlan.CenterLng);

    public static async Task<SubmitReceipt> ReportPotholeAsync(this TestCity city, Actor reporter, string description = "Deep pothole by the bakery")
    {
        await using var scope = city.Scope();
        var requests = scope.ServiceProvider.GetRequiredService<RequestService>();
        var pothole = (await requests.CategoriesAsync()).Single(c => c.Name == "Pothole");
        var result = await requests.SubmitAsync(new SubmitInput(pothole.Id, description, CityCentre.Lat, CityCentre.Lng, "12 Market Square",
            new Dictionary<string, string> { ["size"] = "medium" }), reporter);
        Assert.True(result.Succeeded, result.Error);
        return result.Value!;
    }

    public static async Task<ServiceRequest> LoadAsync(this TestCity city, string number)
    {
        await using var db = city.Db();
        return await db.Requests.AsNoTracking().Include(r => r.History).Include(r => r.Milestones)
            .SingleAsync(r => r.Number == number);
    }

    public static async Task<Result> ActAsync(this TestCity city, string number, TransitionInput input, Actor actor, long? version = null)
    {
        var expected = version ?? (await city.LoadAsync(number)).Version;
        await using var scope = city.Scope();
        return await scope.ServiceProvider.GetRequiredService<WorkflowService>().ApplyAsync(number, expected, input, actor);
    }

    public static async Task<int> DemoAgentIdAsync(this TestCity city)
    {
        var agent = await city.ActorAsync(Roles.Agent);
        await using var db = city.Db();
        return await db.Agents.Where(a => a.UserId == agent.UserId).Select(a => a.Id).SingleAsync();
    }

    public static async Task<int> RequestCountAsync(this TestCity city)
    {
        await using var db = city.Db();
        return await db.Requests.CountAsync();
    }

    public static async Task<int> AuditCountAsync(this TestCity city, string? entityId = null)
    {
        await using var db = city.Db();
        return await db.AuditEntries.CountAsync(e => entityId == null || e.EntityId == entityId);
    }
}
