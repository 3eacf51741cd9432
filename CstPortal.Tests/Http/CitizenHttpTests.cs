using System.Net;
using CstPortal.Common;
using CstPortal.Features.Requests;
using CstPortal.Tests.Features.Requests;
using CstPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CstPortal.Tests.Http;

public class CitizenHttpTests(CstAppFactory factory) : IClassFixture<CstAppFactory>
{
    private readonly HttpClient _client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    private async Task<(SubmitReceipt Receipt, CitizenView View)> ReportWithPhotoAsync(string description, string? email = null)
    {
        var requests = factory.Services.GetRequiredService<RequestService>();
        var citizen = factory.Services.GetRequiredService<CitizenService>();
        var pothole = (await requests.CategoriesAsync()).Single(c => c.Name == "Pothole");
        var result = await requests.SubmitAsync(new SubmitInput(pothole.Id, description, Scenario.CityCentre.Lat, Scenario.CityCentre.Lng, null,
            new Dictionary<string, string> { ["size"] = "large" }, email, [new PhotoUpload("p.jpg", TestImages.JpegWithGpsExif())]), Actor.Anonymous);
        Assert.True(result.Succeeded, result.Error);
        var view = await citizen.ViewAsync(result.Value!.Number, Actor.Anonymous, result.Value.TrackingCode);
        return (result.Value, view.Value!);
    }

    [Fact]
    public async Task Photos_are_served_through_the_endpoint_as_clean_jpegs_and_never_as_static_files()
    {
        var (_, view) = await ReportWithPhotoAsync("Pothole with a photo");
        var id = view.Photos.Single().Id;

        var photo = await _client.GetAsync($"/photos/{id}");
        var thumb = await _client.GetAsync($"/photos/{id}?thumb=true");
        var missing = await _client.GetAsync("/photos/987654321");
        var sha = Directory.EnumerateFiles(Path.Combine(factory.DataDirectory, "evidence"), "*.thumb.jpg").Select(Path.GetFileName).First()!;
        var asStatic = await _client.GetAsync($"/evidence/{sha}");

        Assert.Equal(HttpStatusCode.OK, photo.StatusCode);
        Assert.Equal("image/jpeg", photo.Content.Headers.ContentType!.MediaType);
        Assert.False(TestImages.ContainsExif(await photo.Content.ReadAsByteArrayAsync()));
        Assert.Equal(HttpStatusCode.OK, thumb.StatusCode);
        Assert.True((await thumb.Content.ReadAsByteArrayAsync()).Length < (await photo.Content.ReadAsByteArrayAsync()).Length);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, asStatic.StatusCode);
    }

    [Fact]
    public async Task The_public_page_shows_the_description_as_text_and_never_the_reporter()
    {
        var (receipt, _) = await ReportWithPhotoAsync("Hole <script>alert(1)</script> by the gate", "hidden.person@example.org");

        var response = await _client.GetAsync($"/public/requests/{receipt.Number}");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Hole &lt;script&gt;alert(1)&lt;/script&gt; by the gate", html);
        Assert.DoesNotContain("<script>alert(1)", html);
        Assert.DoesNotContain("hidden.person", html);
        Assert.DoesNotContain(receipt.TrackingCode!, html);
    }

    [Theory]
    [InlineData("/report")]
    [InlineData("/map")]
    [InlineData("/track")]
    public async Task Citizen_pages_are_open_to_everyone(string path)
    {
        var response = await _client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
