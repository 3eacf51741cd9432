using CstPortal.Common;
using CstPortal.Features.Duplicates;
using CstPortal.Features.Requests;
using CstPortal.Features.Workflow;
using CstPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CstPortal.Tests.Features.Duplicates;

public class MergeTests : IAsyncLifetime
{
    private TestCity _city = default!;
    private Actor _citizen = default!, _dispatcher = default!, _manager = default!;

    public async Task InitializeAsync()
    {
        _city = await TestCity.CreateAsync(this);
        _citizen = await _city.ActorAsync(Roles.Citizen);
        _dispatcher = await _city.ActorAsync(Roles.Dispatcher);
        _manager = await _city.ActorAsync(Roles.Manager);
    }

    public async Task DisposeAsync() => await _city.DisposeAsync();

    [Fact]
    public async Task Merging_closes_the_duplicate_moves_its_people_to_the_master_notifies_them_and_shows_on_both()
    {
        var master = (await _city.ReportPotholeAsync(_citizen, "Deep pothole by the bakery")).Number;
        var requests = _city.Get<RequestService>();
        var pothole = (await requests.CategoriesAsync()).Single(c => c.Name == "Pothole");
        var duplicate = (await requests.SubmitAsync(new SubmitInput(pothole.Id, "Pothole next to the bakery", Scenario.CityCentre.Lat + 0.0001,
            Scenario.CityCentre.Lng, null, new Dictionary<string, string> { ["size"] = "large" }, "walker@example.org"), Actor.Anonymous)).Value!.Number;
        Assert.True((await requests.CommentAsync(duplicate, "It is getting bigger every day", _dispatcher)).Succeeded);
        await using (var db = _city.Db())
        {
            var dupId = await db.Requests.Where(r => r.Number == duplicate).Select(r => r.Id).SingleAsync();
            db.RequestSupporters.Add(new RequestSupporter { ServiceRequestId = dupId, UserId = _manager.UserId, At = _city.Clock.GetUtcNow().UtcDateTime });
            await db.SaveChangesAsync();
        }
        var triage = _city.Get<TriageService>();
        Assert.Contains(await triage.SimilarAsync(duplicate), s => s.Number == master);

        var result = await triage.MergeAsync(duplicate, (await _city.LoadAsync(duplicate)).Version, master, _dispatcher);

        Assert.True(result.Succeeded, result.Error);
        await using var check = _city.Db();
        var dup = await check.Requests.SingleAsync(r => r.Number == duplicate);
        var mas = await check.Requests.SingleAsync(r => r.Number == master);
        Assert.Equal(RequestStatus.Closed, dup.Status);
        Assert.Equal(CloseReason.Duplicate, dup.CloseReason);
        Assert.Equal(mas.Id, dup.MasterRequestId);
        Assert.Equal(2, mas.SupporterCount);
        var supporters = await check.RequestSupporters.Where(s => s.ServiceRequestId == mas.Id).ToListAsync();
        Assert.Contains(supporters, s => s.Email == "walker@example.org" && s.UserId == null);
        Assert.Contains(supporters, s => s.UserId == _manager.UserId);
        var mail = await check.Outbox.Where(m => m.RequestNumber == master).ToListAsync();
        Assert.Equal(2, mail.Count);
        Assert.Contains(mail, m => m.RecipientEmail == "walker@example.org" && m.Subject.Contains(master));
        Assert.Contains(mail, m => m.RecipientUserId == _manager.UserId);
        Assert.True(await check.AuditEntries.AnyAsync(e => e.EntityId == master && e.Action == "request.merged" && e.Data.Contains(duplicate)));
        Assert.True(await check.AuditEntries.AnyAsync(e => e.EntityId == duplicate && e.Action == "request.closewithreason" && e.Data.Contains(master)));

        var masterView = (await requests.GetAsync(master, _dispatcher)).Value!;
        Assert.Contains(masterView.Timeline, t => t.Title == $"Duplicate {duplicate} merged into this request");
        Assert.Contains(masterView.Timeline, t => t.Detail == "It is getting bigger every day");
        Assert.Equal(master, (await requests.GetAsync(duplicate, _dispatcher)).Value!.MasterNumber);
    }

    [Fact]
    public async Task A_request_cannot_be_merged_into_itself_or_twice_and_nothing_changes()
    {
        var master = (await _city.ReportPotholeAsync(_citizen)).Number;
        var duplicate = (await _city.ReportPotholeAsync(_manager with { Roles = new HashSet<string> { Roles.Citizen } }, "Same pothole")).Number;
        var triage = _city.Get<TriageService>();

        var self = await triage.MergeAsync(duplicate, 1, duplicate, _dispatcher);
        Assert.Equal("Name the request this one duplicates.", self.Error);
        Assert.True((await triage.MergeAsync(duplicate, 1, master, _dispatcher)).Succeeded);
        var again = await triage.MergeAsync(duplicate, 2, master, _dispatcher);

        Assert.False(again.Succeeded);
        var m = await _city.LoadAsync(master);
        Assert.Equal(1, m.SupporterCount);
        await using var db = _city.Db();
        Assert.Equal(1, await db.RequestSupporters.CountAsync(s => s.ServiceRequestId == m.Id));
    }

    [Fact]
    public async Task A_request_others_were_merged_into_is_not_merged_away_so_no_chain_forms()
    {
        var master = (await _city.ReportPotholeAsync(_citizen)).Number;
        var duplicate = (await _city.ReportPotholeAsync(_citizen, "Same pothole")).Number;
        var other = (await _city.ReportPotholeAsync(_citizen, "A pothole nearby")).Number;
        var triage = _city.Get<TriageService>();
        Assert.True((await triage.MergeAsync(duplicate, 1, master, _dispatcher)).Succeeded);

        var chain = await triage.MergeAsync(master, (await _city.LoadAsync(master)).Version, other, _dispatcher);

        Assert.False(chain.Succeeded);
        Assert.Contains("merged into this one", chain.Error);
        var m = await _city.LoadAsync(master);
        Assert.Equal(RequestStatus.New, m.Status);
        Assert.Null(m.MasterRequestId);
        // The other way round is what the dispatcher can do.
        Assert.True((await triage.MergeAsync(other, 1, master, _dispatcher)).Succeeded);
    }
}

public class MergedPhotoTests : IAsyncLifetime
{
    private TestCity _city = default!;

    public async Task InitializeAsync() => _city = await TestCity.CreateAsync(this);
    public async Task DisposeAsync() => await _city.DisposeAsync();

    [Fact]
    public async Task Photos_of_a_merged_duplicate_stay_visible_from_the_master()
    {
        var citizen = await _city.ActorAsync(Roles.Citizen);
        var dispatcher = await _city.ActorAsync(Roles.Dispatcher);
        var master = (await _city.ReportPotholeAsync(citizen, "Deep pothole by the bakery")).Number;
        var requests = _city.Get<RequestService>();
        var pothole = (await requests.CategoriesAsync()).Single(c => c.Name == "Pothole");
        var duplicate = await requests.SubmitAsync(new SubmitInput(pothole.Id, "Same pothole, with a photo", Scenario.CityCentre.Lat, Scenario.CityCentre.Lng,
            null, new Dictionary<string, string> { ["size"] = "large" }, null, [new PhotoUpload("hole.jpg", CstPortal.Tests.Features.Requests.TestImages.Encode(800, 600))]),
            Actor.Anonymous);
        Assert.True(duplicate.Succeeded, duplicate.Error);
        var citizenView = _city.Get<CitizenService>();
        Assert.Empty((await citizenView.PublicAsync(master)).Value!.Photos);

        var merged = await _city.ActAsync(duplicate.Value!.Number,
            new TransitionInput(WorkflowAction.CloseWithReason) { CloseReason = CloseReason.Duplicate, MasterNumber = master }, dispatcher);

        Assert.True(merged.Succeeded, merged.Error);
        var photo = Assert.Single((await citizenView.PublicAsync(master)).Value!.Photos);
        Assert.NotNull(await citizenView.PhotoAsync(photo.Id, thumbnail: true, Actor.Anonymous));
    }
}
