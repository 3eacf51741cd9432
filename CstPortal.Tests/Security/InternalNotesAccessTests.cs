using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using CstPortal.Common;
using CstPortal.Data;
using CstPortal.Data.DemoCity;
using CstPortal.Features.ApiKeys;
using CstPortal.Features.Requests;
using CstPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CstPortal.Tests.Security;

/// <summary>The internal-notes read rule, as a pure table.</summary>
public class InternalNoteAccessRuleTests
{
    private static readonly NoteReach Agent = new(false, AgentId: 7, TeamId: 2, ZoneIds: [3, 4]);

    [Theory]
    // zone, team, agent → may the agent (id 7, team 2, zones 3 and 4) read the notes?
    [InlineData(3, null, null, true)]    // own zone, not assigned
    [InlineData(4, 9, 99, true)]         // own zone, another team's agent
    [InlineData(1, 2, null, true)]       // elsewhere, own team's queue
    [InlineData(1, 9, 7, true)]          // elsewhere, assigned to the agent
    [InlineData(1, null, null, false)]   // elsewhere, nobody's
    [InlineData(1, 9, 99, false)]        // elsewhere, another team
    public void An_agent_reads_notes_of_own_zones_team_and_work_only(int zone, int? team, int? agent, bool expected)
    {
        Assert.Equal(expected, InternalNoteAccess.MaySee(Agent, zone, team, agent));
        // The query filter is the same rule.
        var request = Request(zone, team, agent);
        Assert.Equal(expected, InternalNoteAccess.Filter(Agent).Compile()(request));
        Assert.True(InternalNoteAccess.MaySee(NoteReach.All, zone, team, agent));
        Assert.True(InternalNoteAccess.Filter(NoteReach.All).Compile()(request));
        Assert.False(InternalNoteAccess.MaySee(NoteReach.Nothing, zone, team, agent));
        Assert.False(InternalNoteAccess.Filter(NoteReach.Nothing).Compile()(request));
    }

    [Theory]
    [InlineData(Roles.Dispatcher, true)]
    [InlineData(Roles.Supervisor, true)]
    [InlineData(Roles.Manager, true)]
    [InlineData(Roles.Admin, true)]
    [InlineData(Roles.Agent, false)]
    [InlineData(Roles.Citizen, false)]
    public void Office_roles_read_every_request_s_notes(string role, bool everything) =>
        Assert.Equal(everything, InternalNoteAccess.IsOffice(new Actor("u", "U", new HashSet<string> { role })));

    private static ServiceRequest Request(int zone, int? team, int? agent)
    {
        var r = ServiceRequest.Submit(new NewRequest(1, Priority.P3, "x", 0, 0, null, zone, null, null, null, new Dictionary<string, string>()), DateTime.UnixEpoch);
        typeof(ServiceRequest).GetProperty(nameof(ServiceRequest.AssignedTeamId))!.SetValue(r, team);
        typeof(ServiceRequest).GetProperty(nameof(ServiceRequest.AssignedAgentId))!.SetValue(r, agent);
        return r;
    }
}

/// <summary>The rule through the service every page and the REST API read requests with, on the demo city.</summary>
public class InternalNotesAccessTests(ApiAppFactory factory) : IClassFixture<ApiAppFactory>
{
    private async Task<Actor> ActorAsync(string role)
    {
        var email = DemoCityPlan.Users.Single(u => u.Role == role).Email;
        await using var scope = factory.Services.CreateAsyncScope();
        var user = await scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<ApplicationUser>>().FindByEmailAsync(email);
        return new Actor(user!.Id, user.DisplayName, new HashSet<string> { role });
    }

    /// <summary>A new request in a zone the demo agent does not cover, nobody's yet, with one internal note by the supervisor.</summary>
    private async Task<(string Outside, string Inside)> ArrangeAsync()
    {
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<CstDbContext>>().CreateDbContextAsync();
        var agent = await ActorAsync(Roles.Agent);
        var ownZones = await db.Agents.Where(a => a.UserId == agent.UserId).SelectMany(a => a.Zones.Select(z => z.ZoneId)).ToListAsync();
        Assert.NotEmpty(ownZones);
        var requests = factory.Services.GetRequiredService<RequestService>();
        var citizen = await ActorAsync(Roles.Citizen);
        var supervisor = await ActorAsync(Roles.Supervisor);
        var pothole = (await requests.CategoriesAsync()).Single(c => c.Name == "Pothole").Id;
        var zones = factory.Services.GetRequiredService<CstPortal.Features.Geo.ZoneDirectory>();
        // One point per zone: the open requests of the demo city give a point inside each.
        var points = (await db.Requests.Select(r => new { Zone = r.ZoneId, r.Latitude, r.Longitude }).ToListAsync())
            .GroupBy(p => p.Zone).Select(g => g.First()).ToList();
        var outside = points.First(p => !ownZones.Contains(p.Zone));
        var inside = points.First(p => ownZones.Contains(p.Zone));
        async Task<string> SubmitAsync(double lat, double lng, string text)
        {
            var receipt = await requests.SubmitAsync(new SubmitInput(pothole, text, lat, lng, null, new Dictionary<string, string> { ["size"] = "small" }), citizen);
            Assert.True(receipt.Succeeded, receipt.Error);
            return receipt.Value!.Number;
        }
        var outsideNumber = await SubmitAsync(outside.Latitude, outside.Longitude, "Pothole outside the agent's zones");
        var insideNumber = await SubmitAsync(inside.Latitude, inside.Longitude, "Pothole inside the agent's zones");
        Assert.Equal(outside.Zone, await zones.LocateAsync(outside.Latitude, outside.Longitude));
        foreach (var n in new[] { outsideNumber, insideNumber })
            Assert.True((await requests.AddInternalNoteAsync(n, $"Supervisor's internal note on {n}", supervisor)).Succeeded);
        return (outsideNumber, insideNumber);
    }

    [Fact]
    public async Task An_agent_sees_internal_notes_only_in_own_zones_office_roles_everywhere_citizens_never()
    {
        var (outside, inside) = await ArrangeAsync();
        var requests = factory.Services.GetRequiredService<RequestService>();

        async Task<int> NotesAsync(string number, string role)
        {
            var details = await requests.GetAsync(number, await ActorAsync(role));
            Assert.True(details.Succeeded, details.Error);
            Assert.DoesNotContain(details.Value!.Timeline, t => t.Detail?.Contains("internal note") == true);
            return details.Value.InternalNotes.Count;
        }

        Assert.Equal(0, await NotesAsync(outside, Roles.Agent));
        Assert.Equal(1, await NotesAsync(inside, Roles.Agent));
        foreach (var office in new[] { Roles.Dispatcher, Roles.Supervisor, Roles.Manager, Roles.Admin })
            Assert.Equal(1, await NotesAsync(outside, office));
        Assert.Equal(0, await NotesAsync(outside, Roles.Citizen)); // the reporter
        Assert.Equal(0, await NotesAsync(inside, Roles.Citizen));
        Assert.Empty((await requests.PublicAsync(outside)).Value!.InternalNotes);

        // Nor can the agent reach the request by writing a note to it.
        var before = await factory.Services.GetRequiredService<IDbContextFactory<CstDbContext>>().CreateDbContext().InternalNotes.CountAsync();
        var refused = await requests.AddInternalNoteAsync(outside, "Agent's note outside the zones", await ActorAsync(Roles.Agent));
        Assert.False(refused.Succeeded);
        Assert.Equal($"There is no request {outside} that you can add a note to.", refused.Error);
        Assert.Equal(before, await factory.Services.GetRequiredService<IDbContextFactory<CstDbContext>>().CreateDbContext().InternalNotes.CountAsync());
        Assert.False((await requests.AddInternalNoteAsync(inside, "A citizen's try", await ActorAsync(Roles.Citizen))).Succeeded);
    }

    [Fact]
    public async Task The_rest_api_and_the_request_page_apply_the_same_rule()
    {
        var (outside, inside) = await ArrangeAsync();
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        async Task<int> ApiNotesAsync(string number, string role)
        {
            var token = await factory.Services.GetRequiredService<ApiKeyService>()
                .CreateAsync($"notes {role} {Guid.NewGuid():N}", role, DemoCityPlan.Users.Single(u => u.Role == role).Email, Actor.System("test"));
            Assert.True(token.Succeeded, token.Error);
            using var message = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/requests/{number}");
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Value);
            using var response = await client.SendAsync(message);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("internalNotes").GetArrayLength();
        }

        Assert.Equal(0, await ApiNotesAsync(outside, Roles.Agent));
        Assert.Equal(1, await ApiNotesAsync(inside, Roles.Agent));
        Assert.Equal(1, await ApiNotesAsync(outside, Roles.Supervisor));

        // The request page, signed in (server-rendered first paint).
        var agent = await factory.SignedInClientAsync("agent");
        Assert.DoesNotContain($"Supervisor's internal note on {outside}", WebUtility.HtmlDecode(await agent.GetStringAsync($"/requests/{outside}")));
        Assert.Contains($"Supervisor's internal note on {inside}", WebUtility.HtmlDecode(await agent.GetStringAsync($"/requests/{inside}")));
        var citizen = await factory.SignedInClientAsync("citizen");
        var citizenPage = WebUtility.HtmlDecode(await citizen.GetStringAsync($"/requests/{inside}"));
        Assert.Contains("Pothole inside the agent's zones", citizenPage); // the control: the reporter sees the request
        Assert.DoesNotContain("Supervisor's internal note", citizenPage);
    }
}
