using CstPortal.Common;
using CstPortal.Features.Notifications;
using CstPortal.Features.Requests;
using CstPortal.Features.Workflow;
using CstPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CstPortal.Tests.Features.Requests;

public class CitizenServiceTests : IAsyncLifetime
{
    private TestCity _city = default!;
    private CitizenService _citizen = default!;
    private int _potholeId;

    public async Task InitializeAsync()
    {
        _city = await TestCity.CreateAsync(this);
        _citizen = _city.Get<CitizenService>();
        _potholeId = (await _city.Get<RequestService>().CategoriesAsync()).Single(c => c.Name == "Pothole").Id;
    }

    public async Task DisposeAsync() => await _city.DisposeAsync();

    private SubmitInput Pothole(string description = "Pothole by the fountain", string? email = null, params PhotoUpload[] photos) =>
        new(_potholeId, description, Scenario.CityCentre.Lat, Scenario.CityCentre.Lng, "Fountain square",
            new Dictionary<string, string> { ["size"] = "small" }, email, photos);

    private static PhotoUpload Photo(string name = "pothole.jpg", int w = 800, int h = 600) => new(name, TestImages.Encode(w, h));

    private string EvidenceFolder => Path.Combine(_city.Directory, "evidence");

    private async Task<string> ResolvedAsync(SubmitReceipt receipt)
    {
        var dispatcher = await _city.ActorAsync(Roles.Dispatcher);
        var agent = await _city.ActorAsync(Roles.Agent);
        Assert.True((await _city.ActAsync(receipt.Number, new TransitionInput(WorkflowAction.Triage), dispatcher)).Succeeded);
        Assert.True((await _city.ActAsync(receipt.Number, new TransitionInput(WorkflowAction.Assign) { AgentId = await _city.DemoAgentIdAsync() }, dispatcher)).Succeeded);
        Assert.True((await _city.ActAsync(receipt.Number, new TransitionInput(WorkflowAction.Start), agent)).Succeeded);
        Assert.True((await _city.ActAsync(receipt.Number, new TransitionInput(WorkflowAction.Resolve) { ResolutionNote = "Filled with asphalt" }, agent)).Succeeded);
        return receipt.Number;
    }

    [Fact]
    public async Task An_anonymous_report_with_photos_stores_them_re_encoded_and_queues_the_tracking_email()
    {
        var result = await _citizen.SubmitAsync(Pothole(email: "walker@example.org", photos: [Photo(), Photo("second.png", 3000, 2000)]), Actor.Anonymous, "10.0.0.1");

        Assert.True(result.Succeeded, result.Error);
        var receipt = result.Value!;
        await using var db = _city.Db();
        var evidence = await db.Evidence.Where(e => e.ServiceRequestId == db.Requests.Single(r => r.Number == receipt.Number).Id).ToListAsync();
        Assert.Equal(2, evidence.Count);
        Assert.All(evidence, e => Assert.Equal("image/jpeg", e.ContentType));
        Assert.Contains(evidence, e => e.Width == 2048);
        Assert.All(evidence, e => Assert.True(File.Exists(Path.Combine(EvidenceFolder, e.Sha256 + ".jpg")) && File.Exists(Path.Combine(EvidenceFolder, e.Sha256 + ".thumb.jpg"))));
        var mail = await db.Outbox.SingleAsync(m => m.RequestNumber == receipt.Number);
        Assert.Equal(NotificationChannel.Email, mail.Channel);
        Assert.Equal("walker@example.org", mail.RecipientEmail);
        Assert.Contains(receipt.TrackingCode!, mail.Body);

        var view = await _citizen.ViewAsync(receipt.Number, Actor.Anonymous, receipt.TrackingCode);
        Assert.True(view.Succeeded, view.Error);
        Assert.Equal(2, view.Value!.Photos.Count);
        Assert.Equal(1, view.Value.Details.Version);
        var file = await _citizen.PhotoAsync(view.Value.Photos[0].Id, thumbnail: true, Actor.Anonymous);
        Assert.NotNull(file);
    }

    [Fact]
    public async Task A_refused_photo_refuses_the_whole_report_and_stores_nothing()
    {
        var before = await _city.Db().Requests.CountAsync();
        var result = await _citizen.SubmitAsync(Pothole(photos: [Photo(), new PhotoUpload("virus.jpg", "MZ not a picture"u8.ToArray())]), Actor.Anonymous, "10.0.0.2");

        Assert.False(result.Succeeded);
        Assert.Equal("\"virus.jpg\" is not a JPEG, PNG or WebP image.", result.Error);
        Assert.Equal(before, await _city.Db().Requests.CountAsync());
        Assert.False(Directory.Exists(EvidenceFolder) && Directory.EnumerateFiles(EvidenceFolder).Any());
    }

    [Fact]
    public async Task A_point_outside_the_city_is_refused_with_a_message()
    {
        var input = Pothole() with { Latitude = 10, Longitude = 10 };

        var result = await _citizen.SubmitAsync(input, Actor.Anonymous, null);

        Assert.Equal("That location is outside the city's service area. Move the pin inside the city.", result.Error);
    }

    [Fact]
    public async Task Joining_a_nearby_open_request_adds_a_supporter_and_the_photos_but_no_new_request()
    {
        var master = await _city.ReportPotholeAsync(Actor.Anonymous, "Deep pothole near the fountain");
        var duplicates = await _citizen.DuplicatesAsync(_potholeId, Scenario.CityCentre.Lat + 0.0001, Scenario.CityCentre.Lng, "pothole fountain");
        Assert.Contains(duplicates, d => d.Number == master.Number);
        var citizen = await _city.ActorAsync(Roles.Citizen);
        var requestsBefore = await _city.Db().Requests.CountAsync();
        var auditBefore = await _city.AuditCountAsync(master.Number);

        var joined = await _citizen.JoinAsync(master.Number, new JoinInput(Photos: [Photo()]), citizen, "10.0.0.3");

        Assert.True(joined.Succeeded, joined.Error);
        Assert.Equal(requestsBefore, await _city.Db().Requests.CountAsync());
        var stored = await _city.LoadAsync(master.Number);
        Assert.Equal(1, stored.SupporterCount);
        await using var db = _city.Db();
        Assert.Equal(1, await db.Evidence.CountAsync(e => e.ServiceRequestId == stored.Id));
        Assert.True(await db.RequestSupporters.AnyAsync(s => s.ServiceRequestId == stored.Id && s.UserId == citizen.UserId));
        Assert.Equal(auditBefore + 1, await _city.AuditCountAsync(master.Number));
        // A supporter follows it like their own: sees it, comments on it; but cannot rate it.
        var view = await _citizen.ViewAsync(master.Number, citizen, code: null);
        Assert.True(view.Succeeded, view.Error);
        Assert.True(view.Value!.CanComment);
        Assert.True((await _citizen.CommentAsync(master.Number, null, "Still there this morning", citizen, "10.0.0.3")).Succeeded);

        var mine = await _city.Get<RequestService>().ListAsync(new RequestFilter { ReporterOrSupporterUserId = citizen.UserId, PageSize = 200 });
        Assert.Contains(mine.Items, r => r.Number == master.Number);

        // Supporters hear about progress.
        Assert.True((await _citizen.JoinAsync(master.Number, new JoinInput(Email: "neighbour@example.org"), Actor.Anonymous, "10.0.0.4")).Succeeded);
        Assert.True((await _city.ActAsync(master.Number, new TransitionInput(WorkflowAction.Triage), await _city.ActorAsync(Roles.Dispatcher))).Succeeded);
        await using (var check = _city.Db())
        {
            var sent = await check.Outbox.Where(m => m.RequestNumber == master.Number).ToListAsync();
            Assert.Contains(sent, m => m.Channel == NotificationChannel.InApp && m.RecipientUserId == citizen.UserId);
            Assert.Contains(sent, m => m.Channel == NotificationChannel.Email && m.RecipientEmail == "neighbour@example.org");
        }

        var again = await _citizen.JoinAsync(master.Number, new JoinInput(), citizen, "10.0.0.3");
        Assert.False(again.Succeeded);
        Assert.Equal(2, (await _city.LoadAsync(master.Number)).SupporterCount);
    }

    [Fact]
    public async Task A_stranger_cannot_comment_and_internal_notes_never_reach_citizens()
    {
        var receipt = await _city.ReportPotholeAsync(Actor.Anonymous);
        var citizen = await _city.ActorAsync(Roles.Citizen);

        var stranger = await _citizen.CommentAsync(receipt.Number, null, "Hello", citizen, null);
        var wrongCode = await _citizen.CommentAsync(receipt.Number, "AAAAAAAAAAAA", "Hello", Actor.Anonymous, null);
        var holder = await _citizen.CommentAsync(receipt.Number, receipt.TrackingCode, "It is getting bigger", Actor.Anonymous, null);

        Assert.False(stranger.Succeeded);
        Assert.False(wrongCode.Succeeded);
        Assert.True(holder.Succeeded, holder.Error);
        var view = (await _citizen.ViewAsync(receipt.Number, Actor.Anonymous, receipt.TrackingCode)).Value!;
        Assert.Contains(view.Details.Timeline, e => e.Kind == "comment" && e.Detail == "It is getting bigger" && e.Who is null);
        Assert.Empty(view.Details.InternalNotes);
    }

    [Fact]
    public async Task A_staff_public_reply_shows_as_a_reply_from_the_city_without_the_name()
    {
        var receipt = await _city.ReportPotholeAsync(Actor.Anonymous);
        var dispatcher = await _city.ActorAsync(Roles.Dispatcher);
        Assert.True((await _city.Get<RequestService>().CommentAsync(receipt.Number, "A crew will come this week.", dispatcher)).Succeeded);

        var view = (await _citizen.ViewAsync(receipt.Number, Actor.Anonymous, receipt.TrackingCode)).Value!;

        var reply = Assert.Single(view.Details.Timeline, e => e.Kind == "comment");
        Assert.Equal("Reply from the city", reply.Title);
        Assert.Null(reply.Who);
    }

    [Fact]
    public async Task Only_the_reporter_rates_once_and_only_after_resolution()
    {
        var citizen = await _city.ActorAsync(Roles.Citizen);
        var receipt = await _city.ReportPotholeAsync(citizen);

        var tooEarly = await _citizen.RateAsync(receipt.Number, null, 5, null, citizen);
        Assert.Equal("You can rate the service once the request is resolved.", tooEarly.Error);

        await ResolvedAsync(receipt);
        var dispatcher = await _city.ActorAsync(Roles.Dispatcher);
        Assert.False((await _citizen.RateAsync(receipt.Number, null, 1, null, dispatcher)).Succeeded);
        Assert.Equal("Choose from 1 to 5 stars.", (await _citizen.RateAsync(receipt.Number, null, 6, null, citizen)).Error);

        var rated = await _citizen.RateAsync(receipt.Number, null, 4, "Quick, thanks", citizen);
        Assert.True(rated.Succeeded, rated.Error);
        Assert.Equal("You have already rated this request. Thank you!", (await _citizen.RateAsync(receipt.Number, null, 5, null, citizen)).Error);
        var view = (await _citizen.ViewAsync(receipt.Number, citizen, null)).Value!;
        Assert.Equal(4, view.RatingStars);
        Assert.False(view.CanRate);
    }

    [Fact]
    public async Task An_anonymous_reporter_disputes_with_the_code_then_confirms_the_fix()
    {
        var receipt = await _city.ReportPotholeAsync(Actor.Anonymous);
        await ResolvedAsync(receipt);
        var version = (await _city.LoadAsync(receipt.Number)).Version;

        var wrong = await _citizen.ConfirmOrDisputeAsync(receipt.Number, "AAAAAAAAAAAA", version, confirm: true, null, Actor.Anonymous);
        Assert.False(wrong.Succeeded);
        var noReason = await _citizen.ConfirmOrDisputeAsync(receipt.Number, receipt.TrackingCode, version, confirm: false, null, Actor.Anonymous);
        Assert.False(noReason.Succeeded);

        var disputed = await _citizen.ConfirmOrDisputeAsync(receipt.Number, receipt.TrackingCode, version, confirm: false, "The hole is back", Actor.Anonymous);
        Assert.True(disputed.Succeeded, disputed.Error);
        var reopened = await _city.LoadAsync(receipt.Number);
        Assert.Equal(RequestStatus.InProgress, reopened.Status);
        Assert.Equal("The hole is back", reopened.History[^1].Note);

        var agent = await _city.ActorAsync(Roles.Agent);
        Assert.True((await _city.ActAsync(receipt.Number, new TransitionInput(WorkflowAction.Resolve) { ResolutionNote = "Patched again" }, agent)).Succeeded);
        var view = (await _citizen.ViewAsync(receipt.Number, Actor.Anonymous, receipt.TrackingCode)).Value!;
        Assert.True(view.CanConfirmOrDispute);
        var confirmed = await _citizen.ConfirmOrDisputeAsync(receipt.Number, receipt.TrackingCode, view.Details.Version, confirm: true, null, Actor.Anonymous);
        Assert.True(confirmed.Succeeded, confirmed.Error);
        Assert.Equal(RequestStatus.Closed, (await _city.LoadAsync(receipt.Number)).Status);
        Assert.True((await _citizen.RateAsync(receipt.Number, receipt.TrackingCode, 5, null, Actor.Anonymous)).Succeeded);
    }

    [Fact]
    public async Task The_code_holder_cannot_dispute_after_seven_days()
    {
        var receipt = await _city.ReportPotholeAsync(Actor.Anonymous);
        await ResolvedAsync(receipt);
        _city.Clock.Advance(TimeSpan.FromDays(8));
        var version = (await _city.LoadAsync(receipt.Number)).Version;

        var late = await _citizen.ConfirmOrDisputeAsync(receipt.Number, receipt.TrackingCode, version, confirm: false, "Still broken", Actor.Anonymous);

        Assert.False(late.Succeeded);
        Assert.Equal(RequestStatus.Resolved, (await _city.LoadAsync(receipt.Number)).Status);
    }

    [Fact]
    public async Task The_public_view_has_no_personal_data()
    {
        var citizen = await _city.ActorAsync(Roles.Citizen);
        var receipt = await _city.ReportPotholeAsync(citizen);

        var view = await _citizen.PublicAsync(receipt.Number);

        Assert.True(view.Succeeded, view.Error);
        Assert.Null(view.Value!.Details.ReporterName);
        Assert.All(view.Value.Details.Timeline, e => Assert.Null(e.Who));
        Assert.False(view.Value.CanComment || view.Value.CanRate || view.Value.CanConfirmOrDispute);
        Assert.Contains(new KeyValuePair<string, string>("How big is it?", "Up to a car wheel"), view.Value.Details.Answers); // the label, not the stored key
        Assert.Contains(await _citizen.OpenRequestsAsync(), p => p.Number == receipt.Number);
    }

    [Fact]
    public async Task Submissions_are_limited_per_address_with_a_clear_message()
    {
        var limits = new CitizenLimits(Microsoft.Extensions.Options.Options.Create(new CitizenLimitOptions { SubmissionsPerAddressPerHour = 2, SubmissionsPerUserPerHour = 1 }), _city.Clock);

        Assert.True(limits.TryTake(CitizenLimits.Submit, null, "1.2.3.4").Succeeded);
        Assert.True(limits.TryTake(CitizenLimits.Submit, "user-1", "1.2.3.4").Succeeded);
        Assert.Equal(CitizenLimits.TooMany, limits.TryTake(CitizenLimits.Submit, null, "1.2.3.4").Error);
        Assert.Equal(CitizenLimits.TooMany, limits.TryTake(CitizenLimits.Submit, "user-1", "5.6.7.8").Error);
        Assert.True(limits.TryTake(CitizenLimits.Comment, null, "1.2.3.4").Succeeded);
        _city.Clock.Advance(TimeSpan.FromHours(1));
        Assert.True(limits.TryTake(CitizenLimits.Submit, null, "1.2.3.4").Succeeded);
    }
}
