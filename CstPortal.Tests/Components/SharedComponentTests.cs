using Bunit;
using CstPortal.Components.Shared;
using CstPortal.Features.Requests;
using CstPortal.Features.Workflow;

namespace CstPortal.Tests.Components;

public class SharedComponentTests : BunitTestBase
{
    [Theory]
    [InlineData(RequestStatus.New, "New", "new")]
    [InlineData(RequestStatus.InProgress, "In progress", "in_progress")]
    [InlineData(RequestStatus.Closed, "Closed", "closed")]
    public void Status_chip_says_the_status_in_words_not_only_colour(RequestStatus status, string text, string code)
    {
        var cut = Render<StatusChip>(p => p.Add(c => c.Status, status));

        var chip = cut.Find($"[data-status='{code}']");
        Assert.Equal(text, chip.TextContent.Trim());
        Assert.Contains("mud-chip", chip.ClassName);
    }

    [Fact]
    public void Due_badge_counts_down_and_turns_to_overdue_as_the_clock_moves()
    {
        var cut = Render<DueBadge>(p => p
            .Add(c => c.DueAt, Now.AddHours(3))
            .Add(c => c.StartedAt, Now.AddHours(-5)));
        Assert.Contains("due in 3 h", cut.Markup);

        Clock.Advance(TimeSpan.FromHours(5));
        cut.Render();

        Assert.Contains("2 h overdue", cut.Markup);
        Assert.Contains("mud-error-text", cut.Markup);
    }

    [Fact]
    public void Due_badge_says_met_once_the_target_was_reached_in_time()
    {
        var cut = Render<DueBadge>(p => p
            .Add(c => c.DueAt, Now.AddHours(3))
            .Add(c => c.StartedAt, Now.AddHours(-5))
            .Add(c => c.DoneAt, Now.AddHours(-1)));

        Assert.Contains("met", cut.Markup);
        Assert.DoesNotContain("due in", cut.Markup);
    }

    [Fact]
    public void Timeline_lists_entries_with_their_details_in_order()
    {
        TimelineEntry[] entries =
        [
            new(Now.AddHours(-3), "status", "Reported", null, null),
            new(Now.AddHours(-2), "comment", "Comment", "Still there this morning.", null),
            new(Now.AddHours(-1), "status", "Resolved", "Filled and sealed", "Amir Agent"),
        ];

        var cut = Render<RequestTimeline>(p => p.Add(c => c.Entries, entries));

        var items = cut.FindAll(".mud-timeline-item");
        Assert.Equal(3, items.Count);
        Assert.Contains("Reported", items[0].TextContent);
        Assert.Contains("Still there this morning.", items[1].TextContent);
        Assert.Contains("Amir Agent", items[2].TextContent);
        Assert.Contains("Filled and sealed", items[2].TextContent);
    }
}
