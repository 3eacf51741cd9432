using System.Net;
using CstPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CstPortal.Tests.Common;

/// <summary>
/// A browser that navigates to an address that does not exist gets the site's "not found" page; a POST there (a stale
/// form, a beacon) gets a bare 404 or 405, not the "form not accepted" page for a refused antiforgery token it never sent.
/// </summary>
public class StatusCodePagesForNavigationTests(CstAppFactory factory) : IClassFixture<CstAppFactory>
{
    [Fact]
    public async Task A_missing_page_is_a_page_for_a_navigation_and_a_bare_404_for_a_post()
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using var get = await client.GetAsync("/no-such-page");
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Contains("text/html", get.Content.Headers.ContentType?.ToString());
        Assert.NotEmpty(await get.Content.ReadAsStringAsync());

        using var post = await client.PostAsync("/no-such-page", new FormUrlEncodedContent(new Dictionary<string, string> { ["a"] = "b" }));
        // Routing may know the address for GET only (405) or not at all (404); either way the status is bare.
        Assert.True(post.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed, $"POST answered {post.StatusCode}");
        Assert.DoesNotContain("could not be accepted", await post.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_disconnect_beacon_for_an_unknown_circuit_is_not_taken_for_a_forged_form()
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using var post = await client.PostAsync("/_blazor/disconnect", new FormUrlEncodedContent(new Dictionary<string, string> { ["circuitId"] = "not-a-circuit" }));

        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
        Assert.DoesNotContain("could not be accepted", await post.Content.ReadAsStringAsync());
    }
}
