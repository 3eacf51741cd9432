using CstPortal.Common;
using CstPortal.Data;
using CstPortal.Features.Audit;
using CstPortal.Features.Requests;
using CstPortal.Features.Sla;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CstPortal.Features.Workflow;

/// <summary>What a person asks the workflow to do, as a form or API would send it.</summary>
public sealed record TransitionInput(WorkflowAction Action)
{
    public int? CategoryId { get; init; }
    public Priority? Priority { get; init; }
    public int? TeamId { get; init; }
    public int? AgentId { get; init; }
    public string? Reason { get; init; }
    public string? ResolutionNote { get; init; }
    public CloseReason? CloseReason { get; init; }
    public string? MasterNumber { get; init; }
    public double? Latitude { get; init; }
    public double? Longitude { get; init; }
}

/// <summary>
/// Runs workflow actions: one unit of work each, with the status history row and the audit entry
/// saved in the same transaction as the change. The caller passes the version it saw; if the request
/// changed since, nothing is saved and the caller is told.
/// </summary>
public sealed class WorkflowService(IDbContextFactory<CstDbContext> dbFactory, TimeProvider clock, RequestEvents events, IOptions<CstOptions> options,
    CitizenLimits limits)
{
    public const string ChangedByOthers =
        "This request was changed by someone else a moment ago. Its current state is shown now; check it and try again.";

    public Task<Result> ApplyAsync(string number, long expectedVersion, TransitionInput input, Actor actor, CancellationToken ct = default) =>
        ApplyCoreAsync(number, expectedVersion, input, actor, trackingCode: null, alsoInTransaction: null, ct);

    /// <summary>As above; <paramref name="alsoInTransaction"/> adds more work (a notification) to the same unit of work.</summary>
    public Task<Result> ApplyAsync(string number, long expectedVersion, TransitionInput input, Actor actor,
        Func<CstDbContext, ServiceRequest, DateTime, Task>? alsoInTransaction, CancellationToken ct = default) =>
        ApplyCoreAsync(number, expectedVersion, input, actor, trackingCode: null, alsoInTransaction, ct);

    /// <summary>
    /// An anonymous reporter confirms the fix (close) or disputes it (reopen) with the secret tracking code:
    /// the code holder is the reporter, and the same rules decide as for a signed-in reporter.
    /// </summary>
    public Task<Result> ApplyWithTrackingCodeAsync(string number, string trackingCode, long expectedVersion, TransitionInput input, CancellationToken ct = default) =>
        input.Action is WorkflowAction.Close or WorkflowAction.Reopen
            ? ApplyCoreAsync(number, expectedVersion, input, new Actor(null, "Reporter (tracking code)", new HashSet<string>()), trackingCode, alsoInTransaction: null, ct)
            : Task.FromResult(Result.Fail(Texts.Get("With a tracking code you can only confirm the fix or dispute it.")));

    private async Task<Result> ApplyCoreAsync(string number, long expectedVersion, TransitionInput input, Actor actor, string? trackingCode,
        Func<CstDbContext, ServiceRequest, DateTime, Task>? alsoInTransaction, CancellationToken ct)
    {
        if (OutOfRange(input) is { } outOfRange) return Result.Fail(outOfRange);
        var limited = limits.TryTakeAction(actor);
        if (!limited.Succeeded) return limited;
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var applied = await ApplyInAsync(db, new BatchItem(number, expectedVersion, input, alsoInTransaction), actor, trackingCode, now, rules: null, ct);
        if (!applied.Result.Succeeded) return applied.Result;
        try
        {
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Result.Conflict(Texts.Get(ChangedByOthers));
        }
        Publish(applied);
        return Result.Ok();
    }

    /// <summary>One workflow action for <see cref="ApplyBatchAsync"/>: the request, the version its caller saw, what to do.</summary>
    public sealed record BatchItem(string Number, long ExpectedVersion, TransitionInput Input,
        Func<CstDbContext, ServiceRequest, DateTime, Task>? AlsoInTransaction = null);

    /// <summary>
    /// Several workflow actions by one actor as one unit of work: one transaction, one save, each action checked and
    /// recorded exactly as <see cref="ApplyAsync(string, long, TransitionInput, Actor, CancellationToken)"/> does (row lock,
    /// version check, rules, history, SLA effects, audit entry). An action that is refused or whose request changed since
    /// its version was read fails alone, with its message, and changes nothing; the others are saved. Results are in
    /// the order of <paramref name="items"/>. For the system's own bulk work (auto-assignment).
    /// </summary>
    public async Task<IReadOnlyList<Result>> ApplyBatchAsync(IReadOnlyList<BatchItem> items, Actor actor, CancellationToken ct = default)
    {
        var results = new List<Result>(items.Count);
        var applied = new List<Applied>();
        if (items.Count == 0) return results;
        var now = clock.GetUtcNow().UtcDateTime;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            // The audit and performance logs look at the change tracker on each append; with hundreds of requests tracked,
            // detecting changes every time would cost O(n²): detect once, before saving.
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            var rules = await EscalationSchedule.ActiveRulesAsync(db, ct);
            foreach (var item in items)
            {
                if (OutOfRange(item.Input) is { } outOfRange)
                {
                    results.Add(Result.Fail(outOfRange));
                    continue;
                }
                var limited = limits.TryTakeAction(actor);
                if (!limited.Succeeded)
                {
                    results.Add(limited);
                    continue;
                }
                var one = await ApplyInAsync(db, item, actor, trackingCode: null, now, rules, ct);
                results.Add(one.Result);
                if (one.Result.Succeeded) applied.Add(one);
            }
            if (applied.Count == 0) return results;
            try
            {
                db.ChangeTracker.DetectChanges();
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
            }
            catch (DbUpdateConcurrencyException)
            {
                applied.Clear(); // every row was locked and re-read above, so this is rare: do them one by one, each with its own check
            }
        }
        if (applied.Count == 0 && results.Any(r => r.Succeeded))
        {
            for (var i = 0; i < items.Count; i++)
                if (results[i].Succeeded)
                    results[i] = await ApplyCoreAsync(items[i].Number, items[i].ExpectedVersion, items[i].Input, actor, trackingCode: null, items[i].AlsoInTransaction, ct);
            return results;
        }
        foreach (var one in applied) Publish(one);
        return results;
    }

    /// <summary>What one applied action has to tell the live views once it is committed.</summary>
    private sealed record Applied(Result Result, RequestChanged? Changed = null, RequestChanged? MergedInto = null);

    private void Publish(Applied applied)
    {
        if (applied.Changed is not null) events.Publish(applied.Changed);
        if (applied.MergedInto is not null) events.Publish(applied.MergedInto);
    }

    /// <summary>
    /// One workflow action inside the caller's transaction, saved by the caller: lock the row, re-read the request, check
    /// the version the caller saw, apply the rules, then the history, merge, SLA effects, next escalation and audit entry.
    /// On failure nothing is changed.
    /// </summary>
    private static async Task<Applied> ApplyInAsync(CstDbContext db, BatchItem item, Actor actor, string? trackingCode, DateTime now,
        IReadOnlyCollection<EscalationRule>? rules, CancellationToken ct)
    {
        var (number, expectedVersion, input, alsoInTransaction) = item;
        await RowLocks.LockRequestAsync(db, number, ct);

        var request = await db.Requests.SingleOrDefaultAsync(r => r.Number == number, ct);
        if (request is null) return new Applied(Result.NotFound(Texts.Get("There is no request {0}.", number)));
        if (request.Version != expectedVersion) return new Applied(Result.Conflict(Texts.Get(ChangedByOthers)));

        var party = await PartyOfAsync(db, request, actor, ct);
        if (trackingCode is not null)
        {
            if (request.TrackingCodeHash is null || !TrackingCodes.Matches(trackingCode, request.TrackingCodeHash))
                return new Applied(Result.NotFound(Texts.Get("There is no request {0}.", number)));
            party = Party.Reporter;
        }
        var command = await BuildCommandAsync(db, request, input, now, ct);
        if (!command.Succeeded) return new Applied(Result.Fail(command.Error!));

        var from = request.Status;
        var outcome = request.Transition(command.Value!, party, actor.Info, now);
        if (!outcome.Succeeded) return new Applied(outcome);

        RequestChanged? mergedInto = null;
        if (input.Action == WorkflowAction.CloseWithReason && input.CloseReason == CloseReason.Duplicate)
            mergedInto = await Duplicates.DuplicateMerge.MergeAsync(db, request, command.Value!.MasterRequestId!.Value, actor, now, ct);
        if (alsoInTransaction is not null) await alsoInTransaction(db, request, now);

        await SupporterNotifications.EnqueueAsync(db, request, now, ct);
        await SlaEffects.AfterTransitionAsync(db, request, from, input.Action, now, ct);
        await EscalationSchedule.RefreshAsync(db, request, ct, rules);
        await AuditLog.AppendAsync(db, actor.Info, "request." + input.Action.ToString().ToLowerInvariant(), "ServiceRequest", number,
            new
            {
                from = from.Code(), to = request.Status.Code(), input.CategoryId, priority = input.Priority?.ToString(),
                input.TeamId, input.AgentId, input.Reason, input.ResolutionNote, closeReason = input.CloseReason?.ToString(), input.MasterNumber,
            }, now, ct);

        db.Entry(request).Property(r => r.Version).OriginalValue = expectedVersion;
        return new Applied(Result.Ok(), new RequestChanged(number, request.Status.Code()), mergedInto);
    }

    /// <summary>
    /// Closes every request resolved at least AutoCloseDays ago, each as its own unit of work through the
    /// workflow (as the system). Safe to run twice: a request closed, reopened or changed meanwhile is skipped.
    /// </summary>
    public async Task<int> AutoCloseResolvedAsync(CancellationToken ct = default)
    {
        var cutoff = clock.GetUtcNow().UtcDateTime.AddDays(-options.Value.AutoCloseDays);
        List<(string Number, long Version)> due;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            due = (await db.Requests.AsNoTracking()
                    .Where(r => r.Status == RequestStatus.Resolved && r.ResolvedAt <= cutoff)
                    .OrderBy(r => r.ResolvedAt).Take(1000)
                    .Select(r => new { r.Number, r.Version }).ToListAsync(ct))
                .Select(r => (r.Number, r.Version)).ToList();
        }
        var system = Actor.System("auto-close");
        var closed = 0;
        foreach (var (number, version) in due)
            if ((await ApplyAsync(number, version, new TransitionInput(WorkflowAction.Close), system, ct)).Succeeded)
                closed++;
        return closed;
    }

    /// <summary>The assigned agent records arriving on site (before starting work).</summary>
    public async Task<Result> RecordArrivalAsync(string number, long expectedVersion, Actor actor, double? latitude, double? longitude, CancellationToken ct = default)
    {
        var limited = limits.TryTakeAction(actor);
        if (!limited.Succeeded) return limited;
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await RowLocks.LockRequestAsync(db, number, ct);
        var request = await db.Requests.Include(r => r.Milestones).SingleOrDefaultAsync(r => r.Number == number, ct);
        if (request is null) return Result.NotFound(Texts.Get("There is no request {0}.", number));
        if (request.Version != expectedVersion) return Result.Conflict(Texts.Get(ChangedByOthers));

        var outcome = request.RecordArrival(await PartyOfAsync(db, request, actor, ct), actor.Info, now, latitude, longitude);
        if (!outcome.Succeeded) return outcome;
        await AuditLog.AppendAsync(db, actor.Info, "request.arrived", "ServiceRequest", number, new { latitude, longitude }, now, ct);
        db.Entry(request).Property(r => r.Version).OriginalValue = expectedVersion;
        try
        {
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Result.Conflict(Texts.Get(ChangedByOthers));
        }
        events.Publish(new RequestChanged(number, request.Status.Code()));
        return Result.Ok();
    }

    /// <summary>
    /// Values no form offers (a circuit or an API client can still send them): an action, priority or close reason
    /// that is not one of the enum's names. The rules below assume defined values.
    /// </summary>
    private static string? OutOfRange(TransitionInput input) =>
        !Enum.IsDefined(input.Action) ? Texts.Get("That is not a workflow action.")
        : input.Priority is { } p && !Enum.IsDefined(p) ? Texts.Get("Choose a priority from P1 to P4.")
        : input.CloseReason is { } c && !Enum.IsDefined(c) ? Texts.Get("Choose a reason for closing from the list.")
        : null;

    /// <summary>Who the actor is with respect to this request: from their roles and their relation to it.</summary>
    public static async Task<Party> PartyOfAsync(CstDbContext db, ServiceRequest request, Actor actor, CancellationToken ct)
    {
        var party = Party.None;
        if (actor.IsSystem) party |= Party.System;
        if (actor.IsIn(Roles.Dispatcher)) party |= Party.Dispatcher;
        if (actor.IsIn(Roles.Supervisor)) party |= Party.Supervisor;
        if (actor.UserId is { } userId)
        {
            if (request.ReporterUserId == userId) party |= Party.Reporter;
            if (actor.IsIn(Roles.Agent) && request.AssignedAgentId is { } agentId &&
                await db.Agents.AnyAsync(a => a.Id == agentId && a.UserId == userId, ct))
                party |= Party.AssignedAgent;
        }
        return party;
    }

    private static async Task<Result<TransitionCommand>> BuildCommandAsync(CstDbContext db, ServiceRequest request, TransitionInput input, DateTime now, CancellationToken ct)
    {
        var facts = new TransitionFacts
        {
            Reason = input.Reason, ResolutionNote = input.ResolutionNote, CloseReason = input.CloseReason, Now = now,
        };
        var command = new TransitionCommand(input.Action, facts) { Latitude = input.Latitude, Longitude = input.Longitude };

        switch (input.Action)
        {
            case WorkflowAction.Triage:
            {
                var categoryId = input.CategoryId ?? request.CategoryId;
                var priority = input.Priority ?? request.Priority;
                var confirmed = Enum.IsDefined(priority) && await db.Categories.AnyAsync(c => c.Id == categoryId && c.IsActive, ct);
                var due = await SlaDueTimes.ForAsync(db, categoryId, priority, request.CreatedAt, ct);
                return command with
                {
                    Facts = facts with { CategoryAndPriorityConfirmed = confirmed },
                    CategoryId = categoryId, Priority = priority,
                    ResponseDueAt = due?.ResponseDueAt, ResolutionDueAt = due?.ResolutionDueAt,
                };
            }
            case WorkflowAction.Assign:
            {
                int? teamId = input.TeamId;
                var active = false;
                if (input.AgentId is { } agentId)
                {
                    var agent = await db.Agents.AsNoTracking().Where(a => a.Id == agentId)
                        .Select(a => new { a.IsActive, a.TeamId, TeamActive = a.Team!.IsActive }).SingleOrDefaultAsync(ct);
                    active = agent is { IsActive: true, TeamActive: true };
                    teamId = agent?.TeamId;
                }
                else if (teamId is { } t)
                {
                    active = await db.Teams.AnyAsync(x => x.Id == t && x.IsActive, ct);
                }
                return command with { Facts = facts with { AssigneeIsActive = active }, TeamId = teamId, AgentId = input.AgentId };
            }
            case WorkflowAction.CloseWithReason when input.CloseReason == CloseReason.Duplicate:
            {
                // PostgreSQL: hold the master's row too, so a merge into it and a merge of it cannot both pass their checks.
                if (!string.IsNullOrWhiteSpace(input.MasterNumber)) await RowLocks.LockRequestAsync(db, input.MasterNumber.Trim(), ct);
                var master = string.IsNullOrWhiteSpace(input.MasterNumber) ? null
                    : await db.Requests.AsNoTracking().Where(r => r.Number == input.MasterNumber.Trim())
                        .Select(r => new { r.Id, r.CloseReason }).SingleOrDefaultAsync(ct);
                var valid = master is not null && master.Id != request.Id && master.CloseReason != CloseReason.Duplicate;
                // Masters stay masters: a request others were merged into is not merged away (no chains X → A → B).
                var hasDuplicates = await db.Requests.AnyAsync(r => r.MasterRequestId == request.Id, ct);
                return command with { Facts = facts with { MasterRequestIsValid = valid, HasDuplicatesMergedIn = hasDuplicates }, MasterRequestId = master?.Id };
            }
            default:
                return command;
        }
    }
}
