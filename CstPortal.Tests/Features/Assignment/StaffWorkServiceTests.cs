using CstPortal.Common;
using CstPortal.Features.Assignment;
using CstPortal.Features.Requests;
using CstPortal.Features.Workflow;
using CstPortal.Tests.Browser;
using CstPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CstPortal.Tests.Features.Assignment;

public class StaffWorkServiceTests : IAsyncLifetime
{
    private TestCity _city = default!;
    private Actor _agent = default!, _supervisor = default!;
    private StaffWorkService Work => _city.Get<StaffWorkService>();

    public async Task InitializeAsync()
    {
        _city = await TestCity.CreateAsync(this);
        _agent = await _city.ActorAsync(Roles.Agent);
        _supervisor = await _city.ActorAsync(Roles.Supervisor);
    }

    public async Task DisposeAsync() => await _city.DisposeAsync();

    private async Task<long> VersionAsync(string number) => (await _city.LoadAsync(number)).Version;

    [Fact]
    public async Task The_workbench_gets_the_most_urgent_page_and_the_count_of_all_open_work()
    {
        for (var i = 0; i < 4; i++) await Arrange.AssignedToDemoAgentAsync(_city.Services);
        var all = await Work.MyWorkAsync(_agent, int.MaxValue);
        Assert.True(all.Total >= 4);
        Assert.Equal(all.Total, all.Items.Count);
        var due = all.Items.Select(i => i.ResolutionDueAt ?? DateTime.MaxValue).ToList();
        Assert.Equal(due.Order(), due); // soonest due (overdue) first

        var page = await Work.MyWorkAsync(_agent, 3);

        Assert.Equal(all.Total, page.Total);
        Assert.Equal(all.Items.Take(3).Select(i => i.Number), page.Items.Select(i => i.Number));
    }

    [Fact]
    public async Task Milestones_record_time_and_a_checked_position_and_remember_where_the_agent_was()
    {
        var number = await Arrange.AssignedToDemoAgentAsync(_city.Services);
        Assert.Contains((await Work.MyWorkAsync(_agent, int.MaxValue)).Items, i => i.Number == number);

        Assert.True((await Work.RecordAsync(number, await VersionAsync(number), FieldMilestone.Arrived, _agent, double.NaN, 5)).Succeeded);
        _city.Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.True((await Work.RecordAsync(number, await VersionAsync(number), FieldMilestone.WorkStarted, _agent, 40.03, -83.01)).Succeeded);
        Assert.Equal("A resolution note is required: say what was done.",
            (await Work.RecordAsync(number, await VersionAsync(number), FieldMilestone.Resolved, _agent, 400, -83.01)).Error);
        Assert.True((await Work.RecordAsync(number, await VersionAsync(number), FieldMilestone.Resolved, _agent, 400, -83.01, "Patched")).Succeeded);

        var request = await _city.LoadAsync(number);
        Assert.Equal(RequestStatus.Resolved, request.Status);
        var m = request.Milestones.OrderBy(x => x.At).ToList();
        Assert.Equal([MilestoneKind.Arrived, MilestoneKind.WorkStarted, MilestoneKind.Resolved], m.Select(x => x.Kind));
        Assert.Null(m[0].Latitude);   // NaN from the browser is dropped
        Assert.Equal(40.03, m[1].Latitude);
        Assert.Null(m[2].Latitude);   // latitude 400 is dropped
        await using var db = _city.Db();
        var agent = await db.Agents.SingleAsync(a => a.UserId == _agent.UserId);
        Assert.Equal((40.03, -83.01), (agent.LastLatitude, agent.LastLongitude));
        Assert.Equal(_city.Clock.GetUtcNow().UtcDateTime, agent.LastActiveAt);
        Assert.DoesNotContain((await Work.MyWorkAsync(_agent, int.MaxValue)).Items, i => i.Number == number);
    }

    [Fact]
    public async Task Handing_back_needs_a_reason_and_notes_stay_internal()
    {
        var number = await Arrange.AssignedToDemoAgentAsync(_city.Services);
        Assert.Equal("Say why you are handing the request back.", (await Work.HandBackAsync(number, await VersionAsync(number), " ", _agent)).Error);
        Assert.True((await Work.NoteAsync(number, "Needs a second person", _agent)).Succeeded);
        Assert.True((await Work.ReplyAsync(number, "We will be there tomorrow", _agent)).Succeeded);
        Assert.True((await Work.HandBackAsync(number, await VersionAsync(number), "No materials", _agent)).Succeeded);

        Assert.Equal(RequestStatus.Triaged, (await _city.LoadAsync(number)).Status);
        var citizen = await _city.ActorAsync(Roles.Citizen);
        var seen = (await _city.Get<RequestService>().GetAsync(number, citizen)).Value!;
        Assert.Empty(seen.InternalNotes);
        Assert.Contains(seen.Timeline, t => t.Detail == "We will be there tomorrow");
        Assert.DoesNotContain(seen.Timeline, t => t.Detail == "Needs a second person");
        Assert.Contains((await _city.Get<RequestService>().GetAsync(number, _supervisor)).Value!.InternalNotes, n => n.Detail == "Needs a second person");
    }

    [Fact]
    public async Task The_supervisor_sees_load_and_reassigns_with_the_audit_trail_showing_it()
    {
        var number = await Arrange.AssignedToDemoAgentAsync(_city.Services);
        var team = await Work.TeamViewAsync();
        var amir = team.Single(m => m.Name == "Amir Agent");
        var rosa = team.Single(m => m.Name == "Rosa Lind");
        Assert.Contains(amir.Items, i => i.Number == number);
        Assert.Equal(amir.Items.Count, amir.Open);

        var result = await Work.ReassignAsync(number, await VersionAsync(number), rosa.AgentId, _supervisor);

        Assert.True(result.Succeeded, result.Error);
        var after = await Work.TeamViewAsync();
        Assert.Contains(after.Single(m => m.AgentId == rosa.AgentId).Items, i => i.Number == number);
        Assert.Equal(rosa.Open + 1, after.Single(m => m.AgentId == rosa.AgentId).Open);
        var trail = await Work.AuditTrailAsync(number);
        Assert.Contains(trail, a => a.Action == "request.unassign" && a.ActorName == _supervisor.Name);
        Assert.Contains(trail, a => a.Action == "request.assign" && a.ActorName == _supervisor.Name);
    }
}
