using System.Net;
using CstPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CstPortal.Tests.Http;

public class SmokeTests(CstAppFactory factory) : IClassFixture<CstAppFactory>
{
    private readonly HttpClient _client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    [Fact]
    public async Task The_home_page_says_what_the_portal_is_and_leads_to_report_and_track()
    {
        var response = await _client.GetAsync("/");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Report a problem", html);
        Assert.Contains("href=\"report\"", html);
        Assert.Contains("href=\"track\"", html);
    }

    [Theory]
    [InlineData("/staff/requests")]
    [InlineData("/admin/audit")]
    [InlineData("/agent/work")]
    [InlineData("/my/requests")]
    public async Task Staff_and_personal_pages_send_anonymous_visitors_to_sign_in(string path)
    {
        var response = await _client.GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/Account/Login", response.Headers.Location!.OriginalString.Replace("http://localhost", ""));
    }

    [Theory]
    [InlineData("/lib/leaflet/leaflet.js", "text/javascript")]
    [InlineData("/cst/cst-map.js", "text/javascript")]
    [InlineData("/_content/MudBlazor/MudBlazor.min.css", "text/css")]
    public async Task Front_end_assets_installed_from_npm_and_packages_are_served(string path, string type)
    {
        var response = await _client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(type, response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_sign_in_page_is_static_server_rendered()
    {
        var html = await _client.GetStringAsync("/Account/Login");

        Assert.Contains("name=\"Input.Email\"", html);
        Assert.Contains("__RequestVerificationToken", html);
    }
}
