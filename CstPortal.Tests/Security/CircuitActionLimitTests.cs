using CstPortal.Common;
using CstPortal.Data;
using CstPortal.Features.Assignment;
using CstPortal.Features.Audit;
using CstPortal.Features.Duplicates;
using CstPortal.Features.Geo;
using CstPortal.Features.Requests;
using CstPortal.Features.Workflow;
using CstPortal.Tests.Features.Requests;
using CstPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CstPortal.Tests.Security;

/// <summary>
/// Actions taken inside a Blazor circuit never pass the HTTP rate limiter, so the services the pages call limit
/// them per user (and per address for citizens): comments, photos, reports, transitions and notes. Here with small
/// budgets and the test's clock, through the same service methods the pages call.
/// </summary>
public class CircuitActionLimitTests : IAsyncLifetime
{
    private TestCity _city = default!;
    private CitizenService _citizen = default!;
    private StaffWorkService _staff = default!;
    private TriageService _triage = default!;

    public async Task InitializeAsync()
    {
        _city = await TestCity.CreateAsync();
        var limits = new CitizenLimits(Options.Create(new CitizenLimitOptions
        {
            ActionsPerUserPerMinute = 3, CommentsPerUserPerHour = 2, CommentsPerAddressPerHour = 100,
            SubmissionsPerUserPerHour = 2, SubmissionsPerAddressPerHour = 100,
        }), _city.Clock);
        var db = _city.Get<IDbContextFactory<CstDbContext>>();
        var events = _city.Get<RequestEvents>();
        var evidence = _city.Get<IEvidenceStore>();
        var requests = new RequestService(db, _city.Clock, _city.Get<ZoneDirectory>(), events, evidence, limits);
        var workflow = new WorkflowService(db, _city.Clock, events, _city.Get<IOptions<CstOptions>>(), limits);
        _citizen = new CitizenService(db, _city.Clock, requests, workflow, _city.Get<DuplicateFinder>(), evidence, limits, events, _city.Get<ZoneDirectory>());
        _staff = new StaffWorkService(db, workflow, requests, _city.Get<AuditService>(), _city.Clock);
        _triage = new TriageService(db, workflow, _city.Get<AutoAssignService>(), _city.Get<DuplicateFinder>(), _city.Get<ZoneDirectory>(), _city.Clock);
    }

    public async Task DisposeAsync() => await _city.DisposeAsync();

    private Task<StateSnapshot> SnapshotAsync() => StateSnapshot.TakeAsync(_city.Get<IDbContextFactory<CstDbContext>>(), _city.Directory);

    [Fact]
    public async Task Staff_notes_and_transitions_share_a_per_minute_budget_per_user()
    {
        var supervisor = await _city.ActorAsync(Roles.Supervisor);
        var dispatcher = await _city.ActorAsync(Roles.Dispatcher);
        var citizen = await _city.ActorAsync(Roles.Citizen);
        var number = (await _city.ReportPotholeAsync(citizen)).Number;
        var other = (await _city.ReportPotholeAsync(citizen, "Another pothole")).Number;

        Assert.True((await _staff.NoteAsync(number, "First note", supervisor)).Succeeded);
        Assert.True((await _staff.ReplyAsync(number, "A public reply", supervisor)).Succeeded);
        Assert.True((await _triage.CloseAsync(number, (await _city.LoadAsync(number)).Version, CloseReason.Invalid, supervisor)).Succeeded);
        var before = await SnapshotAsync();

        var note = await _staff.NoteAsync(number, "Fourth action within the minute", supervisor);
        var transition = await _triage.CloseAsync(other, (await _city.LoadAsync(other)).Version, CloseReason.Invalid, supervisor);

        Assert.Equal(CitizenLimits.TooManyActions, note.Error);
        Assert.Equal(CitizenLimits.TooManyActions, transition.Error);
        Assert.Equal(before, await SnapshotAsync());
        // Another person's budget is their own; and a minute later the supervisor may act again.
        Assert.True((await _staff.NoteAsync(number, "The dispatcher's note", dispatcher)).Succeeded);
        _city.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.True((await _staff.NoteAsync(number, "A minute later", supervisor)).Succeeded);
    }

    [Fact]
    public async Task A_citizen_s_comments_photos_and_reports_are_limited_with_a_clear_message()
    {
        var citizen = await _city.ActorAsync(Roles.Citizen);
        var pothole = (await _city.Get<RequestService>().CategoriesAsync()).Single(c => c.Name == "Pothole").Id;
        SubmitInput Report(string text) => new(pothole, text, Scenario.CityCentre.Lat, Scenario.CityCentre.Lng, null, new Dictionary<string, string> { ["size"] = "small" });
        var first = await _citizen.SubmitAsync(Report("First report"), citizen, "10.7.0.1");
        Assert.True(first.Succeeded, first.Error);
        Assert.True((await _citizen.SubmitAsync(Report("Second report"), citizen, "10.7.0.1")).Succeeded);
        var number = first.Value!.Number;
        Assert.True((await _citizen.CommentAsync(number, null, "First comment", citizen, "10.7.0.1")).Succeeded);
        Assert.True((await _citizen.AddPhotosAsync(number, null, [new PhotoUpload("hole.jpg", TestImages.Encode(120, 90))], citizen, "10.7.0.1")).Succeeded);
        var before = await SnapshotAsync();

        var report = await _citizen.SubmitAsync(Report("Third report within the hour"), citizen, "10.7.0.1");
        var comment = await _citizen.CommentAsync(number, null, "Third comment within the hour", citizen, "10.7.0.1");
        var photos = await _citizen.AddPhotosAsync(number, null, [new PhotoUpload("again.jpg", TestImages.Encode(100, 80))], citizen, "10.7.0.1");

        Assert.Equal(CitizenLimits.TooMany, report.Error);
        Assert.Equal(CitizenLimits.TooMany, comment.Error);
        Assert.Equal(CitizenLimits.TooMany, photos.Error);
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public void The_system_and_anonymous_code_holders_are_not_limited_by_the_per_user_action_budget()
    {
        var limits = new CitizenLimits(Options.Create(new CitizenLimitOptions { ActionsPerUserPerMinute = 1 }), _city.Clock);
        for (var i = 0; i < 5; i++)
        {
            Assert.True(limits.TryTakeAction(Actor.System("sweep")).Succeeded);
            Assert.True(limits.TryTakeAction(Actor.Anonymous).Succeeded);
        }
        var person = new Actor("user-1", "A person", new HashSet<string> { Roles.Agent });
        Assert.True(limits.TryTakeAction(person).Succeeded);
        Assert.Equal(CitizenLimits.TooManyActions, limits.TryTakeAction(person).Error);
    }
}
