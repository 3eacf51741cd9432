using CstPortal.Common;
using CstPortal.Features.Requests;
using CstPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CstPortal.Tests.Features.Requests;

public class RequestServiceTests : IAsyncLifetime
{
    private TestCity _city = default!;
    private RequestService _requests = default!;
    private int _potholeId;

    public async Task InitializeAsync()
    {
        _city = await TestCity.CreateAsync(this);
        _requests = _city.Get<RequestService>();
        _potholeId = (await _requests.CategoriesAsync()).Single(c => c.Name == "Pothole").Id;
    }

    public async Task DisposeAsync() => await _city.DisposeAsync();

    private SubmitInput Pothole(double lat, double lng, Dictionary<string, string>? answers = null) =>
        new(_potholeId, "Pothole outside the school", lat, lng, null, answers ?? new() { ["size"] = "large" });

    [Fact]
    public async Task An_anonymous_report_gets_a_number_a_tracking_code_and_expected_times()
    {
        var receipt = await _city.ReportPotholeAsync(Actor.Anonymous);

        Assert.Matches(@"^CST-2026-\d{6}$", receipt.Number);
        Assert.NotNull(receipt.TrackingCode);
        // Pothole reports start at P2, whose demo policy is respond 4 h, resolve 36 h, from the moment of reporting.
        Assert.Equal(TestCity.Now.UtcDateTime.AddHours(4), receipt.ResponseDueAt);
        Assert.Equal(TestCity.Now.UtcDateTime.AddHours(36), receipt.ResolutionDueAt);

        var tracked = await _requests.TrackAsync(receipt.Number, receipt.TrackingCode!.ToLowerInvariant());
        Assert.True(tracked.Succeeded, tracked.Error);
        Assert.Equal("Reported", tracked.Value!.Timeline[0].Title);
        Assert.Null(tracked.Value.ReporterName);
    }

    [Fact]
    public async Task Tracking_with_a_wrong_code_finds_nothing()
    {
        var receipt = await _city.ReportPotholeAsync(Actor.Anonymous);

        var result = await _requests.TrackAsync(receipt.Number, "WRONGCODE123");

        Assert.False(result.Succeeded);
        Assert.Null(result.Value);
    }

    [Fact]
    public async Task The_tracking_code_itself_is_never_stored()
    {
        var receipt = await _city.ReportPotholeAsync(Actor.Anonymous);
        var stored = await _city.LoadAsync(receipt.Number);

        Assert.NotEqual(receipt.TrackingCode, stored.TrackingCodeHash);
        Assert.Equal(TrackingCodes.Hash(receipt.TrackingCode!), stored.TrackingCodeHash);
    }

    [Fact]
    public async Task A_point_outside_every_zone_is_refused_and_nothing_is_stored()
    {
        var before = await CountAsync();

        var result = await _requests.SubmitAsync(Pothole(51.5, -0.12), Actor.Anonymous);

        Assert.False(result.Succeeded);
        Assert.Contains("outside the city", result.Error);
        Assert.Equal(before, await CountAsync());
    }

    [Fact]
    public async Task A_required_question_left_empty_is_refused()
    {
        var result = await _requests.SubmitAsync(Pothole(Scenario.CityCentre.Lat, Scenario.CityCentre.Lng, new()), Actor.Anonymous);

        Assert.False(result.Succeeded);
        Assert.Equal("Answer the question \"How big is it?\".", result.Error);
    }

    [Theory]
    [InlineData("size", "enormous", "Choose one of the offered answers")]
    [InlineData("colour", "red", "is not a question of this category")]
    public async Task Answers_that_the_form_never_offered_are_refused(string code, string value, string message)
    {
        var answers = new Dictionary<string, string> { ["size"] = "small", [code] = value };

        var result = await _requests.SubmitAsync(Pothole(Scenario.CityCentre.Lat, Scenario.CityCentre.Lng, answers), Actor.Anonymous);

        Assert.False(result.Succeeded);
        Assert.Contains(message, result.Error);
    }

    [Fact]
    public async Task A_description_longer_than_open311_allows_is_refused()
    {
        var input = Pothole(Scenario.CityCentre.Lat, Scenario.CityCentre.Lng) with { Description = new string('x', 4001) };

        var result = await _requests.SubmitAsync(input, Actor.Anonymous);

        Assert.False(result.Succeeded);
        Assert.Contains("4,000", result.Error);
    }

    [Fact]
    public async Task A_citizen_sees_their_own_request_but_not_another_citizens()
    {
        var carla = await _city.ActorAsync(Roles.Citizen);
        var number = (await _city.ReportPotholeAsync(carla)).Number;
        var stranger = new Actor("someone-else", "Stranger", new HashSet<string> { Roles.Citizen });

        Assert.True((await _requests.GetAsync(number, carla)).Succeeded);
        var denied = await _requests.GetAsync(number, stranger);
        Assert.False(denied.Succeeded);
        Assert.Contains("no request", denied.Error);
        Assert.False((await _requests.CommentAsync(number, "let me in", stranger)).Succeeded);
    }

    [Fact]
    public async Task Staff_see_the_reporter_the_public_never_does()
    {
        var carla = await _city.ActorAsync(Roles.Citizen);
        var number = (await _city.ReportPotholeAsync(carla)).Number;

        var staffView = await _requests.GetAsync(number, await _city.ActorAsync(Roles.Dispatcher));
        var ownView = await _requests.GetAsync(number, carla);

        Assert.Contains("Carla Citizen", staffView.Value!.ReporterName);
        Assert.Null(ownView.Value!.ReporterName);
    }

    [Fact]
    public async Task Lists_filter_by_status_and_page()
    {
        var page = await _requests.ListAsync(new RequestFilter { OpenOnly = true, PageSize = 10 });
        var page2 = await _requests.ListAsync(new RequestFilter { OpenOnly = true, PageSize = 10, Page = 2 });

        await using var db = _city.Db();
        var open = await db.Requests.CountAsync(r => r.Status != CstPortal.Features.Workflow.RequestStatus.Resolved && r.Status != CstPortal.Features.Workflow.RequestStatus.Closed);
        Assert.Equal(open, page.Total);
        Assert.Equal(10, page.Items.Count);
        Assert.Empty(page.Items.Select(i => i.Number).Intersect(page2.Items.Select(i => i.Number)));
        Assert.True(page.Items.Zip(page.Items.Skip(1)).All(p => p.First.CreatedAt >= p.Second.CreatedAt));
    }

    private async Task<int> CountAsync()
    {
        await using var db = _city.Db();
        return await db.Requests.CountAsync();
    }
}
