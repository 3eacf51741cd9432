using System.Net;
using CstPortal.Data;
using CstPortal.Data.DemoCity;
using CstPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CstPortal.Tests.Security;

/// <summary>Past the matrix: a signed-in citizen reaches the request page, but only their own requests' content.</summary>
public class ObjectLevelAccessTests(CstAppFactory factory) : IClassFixture<CstAppFactory>
{
    [Fact]
    public async Task A_citizen_changing_the_number_in_the_address_does_not_see_another_citizens_request()
    {
        string citizenId;
        await using (var scope = factory.Services.CreateAsyncScope())
            citizenId = (await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync($"citizen@{DemoCityPlan.EmailDomain}"))!.Id;
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<CstDbContext>>().CreateDbContextAsync();
        var others = await db.Requests.Where(r => r.ReporterUserId != null && r.ReporterUserId != citizenId && r.Description.Length > 20)
            .OrderBy(r => r.Id).Select(r => new { r.Number, r.Description }).Take(3).ToListAsync();
        Assert.NotEmpty(others);
        var own = await db.Requests.Where(r => r.ReporterUserId == citizenId && r.Description.Length > 20)
            .OrderBy(r => r.Id).Select(r => new { r.Number, r.Description }).FirstAsync();
        var client = await factory.SignedInClientAsync("citizen");

        // The control: the page does show a citizen their own request's description.
        Assert.Contains(own.Description, WebUtility.HtmlDecode(await client.GetStringAsync($"/requests/{own.Number}")));

        foreach (var other in others)
        {
            var html = WebUtility.HtmlDecode(await client.GetStringAsync($"/requests/{other.Number}"));
            Assert.DoesNotContain(other.Description, html);
        }
    }
}
