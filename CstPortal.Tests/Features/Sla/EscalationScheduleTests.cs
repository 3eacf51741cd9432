using CstPortal.Features.Sla;
using CstPortal.Features.Workflow;

namespace CstPortal.Tests.Features.Sla;

/// <summary>The stored next escalation is exactly the moment from which the sweep's own rule (DueLevels) has a level left to fire.</summary>
public class EscalationScheduleTests
{
    private static readonly DateTime Created = new(2026, 11, 2, 9, 30, 0, DateTimeKind.Utc);

    private static readonly EscalationRule[] Rules = EscalationRule.Defaults();

    public static TheoryData<RequestStatus, double, double, string> Cases() => new()
    {
        { RequestStatus.New, 4, 36, "" },
        { RequestStatus.Triaged, 4, 36, "Response:1" },
        { RequestStatus.Triaged, 4, 36, "Response:0,Response:1,Response:2" },
        { RequestStatus.Assigned, 4, 36, "Response:1" },
        { RequestStatus.InProgress, 4, 36, "Resolution:1,Resolution:0,Resolution:2" },
        { RequestStatus.New, 0.5, 2, "Response:0,Response:1,Response:2,Response:3,Resolution:1" },
        { RequestStatus.Assigned, 4, 36, "Resolution:0,Resolution:1,Resolution:2,Resolution:3" },
        { RequestStatus.Resolved, 4, 36, "" },
        { RequestStatus.Closed, 4, 36, "" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Next_is_the_first_moment_a_level_that_has_not_fired_is_due(RequestStatus status, double responseHours, double resolutionHours, string firedText)
    {
        var fired = firedText.Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(f => f.Split(':')).Select(p => (Enum.Parse<SlaTarget>(p[0]), int.Parse(p[1]))).ToHashSet();
        var responseDue = Created.AddHours(responseHours);
        var resolutionDue = Created.AddHours(resolutionHours);

        bool AnythingDue(DateTime now) => EscalationSchedule.OpenTargets(status, responseDue, resolutionDue)
            .Any(t => SlaSweep.DueLevels(Created, t.Due, Rules, now).Any(l => !fired.Contains((t.Target, l))));

        var next = EscalationSchedule.NextAt(status, Created, responseDue, resolutionDue, Rules, fired);
        if (next is null)
        {
            Assert.False(AnythingDue(Created.AddYears(5)));
            return;
        }
        Assert.False(AnythingDue(next.Value.AddTicks(-1)));
        Assert.True(AnythingDue(next.Value.AddTicks(1)));
    }

    [Fact]
    public void A_request_with_no_due_times_has_nothing_to_escalate() =>
        Assert.Null(EscalationSchedule.NextAt(RequestStatus.New, Created, null, null, Rules, new HashSet<(SlaTarget, int)>()));
}
