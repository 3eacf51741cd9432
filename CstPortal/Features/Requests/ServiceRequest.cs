using CstPortal.Common;
using CstPortal.Features.Workflow;

namespace CstPortal.Features.Requests;

/// <summary>
/// A citizen's report and everything that happens to it. State changes only through
/// <see cref="Transition"/> and the other methods here, which check the workflow's rules.
/// </summary>
public class ServiceRequest
{
    public int Id { get; private set; }
    /// <summary>Public number such as CST-2026-000123.</summary>
    public string Number { get; private set; } = "";
    public int CategoryId { get; private set; }
    public Category? Category { get; private set; }
    public Priority Priority { get; private set; }
    public string Description { get; private set; } = "";
    public double Latitude { get; private set; }
    public double Longitude { get; private set; }
    public string? Address { get; private set; }
    public int ZoneId { get; private set; }
    /// <summary>The request's cell of the fixed map grid (<see cref="Geo.GeoGrid"/>), set with its position; indexed for maps.</summary>
    public long GridCell { get; private set; }

    /// <summary>The signed-in reporter, or null when anonymous.</summary>
    public string? ReporterUserId { get; private set; }
    /// <summary>SHA-256 of an anonymous reporter's secret tracking code (the code itself is never stored).</summary>
    public string? TrackingCodeHash { get; private set; }
    /// <summary>Optional contact for an anonymous reporter; never shown publicly.</summary>
    public string? ReporterEmail { get; private set; }

    public RequestStatus Status { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }
    public DateTime? TriagedAt { get; private set; }
    public DateTime? AssignedAt { get; private set; }
    public DateTime? StartedAt { get; private set; }
    public DateTime? ResolvedAt { get; private set; }
    public DateTime? ClosedAt { get; private set; }
    public DateTime? ResponseDueAt { get; private set; }
    public DateTime? ResolutionDueAt { get; private set; }
    /// <summary>
    /// When the SLA sweep next has a level to fire for this request; null when nothing is left (see
    /// <see cref="Sla.EscalationSchedule"/>, which keeps it right). Indexed: a sweep reads only the rows whose moment came.
    /// </summary>
    public DateTime? NextEscalationAt { get; private set; }

    public int? AssignedTeamId { get; private set; }
    public int? AssignedAgentId { get; private set; }
    /// <summary>Why the current assignee was chosen (e.g. the auto-assignment's decision); null when not assigned.</summary>
    public string? AssignmentNote { get; private set; }
    public string? ResolutionNote { get; private set; }
    public CloseReason? CloseReason { get; private set; }
    public int? MasterRequestId { get; private set; }
    public int SupporterCount { get; private set; }
    public int ReopenCount { get; private set; }

    /// <summary>Optimistic concurrency token, raised by the application on every change.</summary>
    public long Version { get; private set; }

    public List<StatusChange> History { get; private set; } = [];
    public List<RequestAnswer> Answers { get; private set; } = [];
    public List<Comment> Comments { get; private set; } = [];
    public List<InternalNote> InternalNotes { get; private set; } = [];
    public List<Milestone> Milestones { get; private set; } = [];
    public List<Evidence> Evidence { get; private set; } = [];
    public Rating? Rating { get; private set; }

    private ServiceRequest() { }

    public static ServiceRequest Submit(NewRequest r, DateTime now)
    {
        var request = new ServiceRequest
        {
            Number = "pending-" + Guid.NewGuid().ToString("N"),
            CategoryId = r.CategoryId,
            Priority = r.Priority,
            Description = r.Description.Trim(),
            Latitude = r.Latitude,
            Longitude = r.Longitude,
            GridCell = Geo.GeoGrid.Cell(r.Latitude, r.Longitude),
            Address = string.IsNullOrWhiteSpace(r.Address) ? null : r.Address.Trim(),
            ZoneId = r.ZoneId,
            ReporterUserId = r.ReporterUserId,
            TrackingCodeHash = r.TrackingCodeHash,
            ReporterEmail = r.ReporterEmail,
            Status = RequestStatus.New,
            CreatedAt = now,
            UpdatedAt = now,
            Version = 1,
        };
        request.Answers.AddRange(r.Answers.Select(a => new RequestAnswer { QuestionCode = a.Key, Value = a.Value }));
        request.History.Add(new StatusChange
        {
            From = null, To = RequestStatus.New, Action = "submit", At = now,
            ActorUserId = r.ReporterUserId, ActorName = r.ReporterUserId is null ? "Anonymous reporter" : "Reporter",
        });
        return request;
    }

    /// <summary>Sets the SLA due times (at submission, and again when triage changes category or priority).</summary>
    public void SetDueTimes(DateTime? responseDueAt, DateTime? resolutionDueAt)
    {
        ResponseDueAt = responseDueAt;
        ResolutionDueAt = resolutionDueAt;
    }

    /// <summary>Bookkeeping for the SLA sweep (computed by <see cref="Sla.EscalationSchedule"/>); not a change people see, so the version stays.</summary>
    public void ScheduleNextEscalation(DateTime? at) => NextEscalationAt = at;

    /// <summary>
    /// An SLA escalation raises the priority one step (P1 stays P1); due times stay as committed.
    /// Returns false when there is no higher priority.
    /// </summary>
    public bool RaisePriority(ActorInfo actor, DateTime now, string note)
    {
        if (Priority == Priority.P1 || !Status.IsOpen()) return false;
        Priority = (Priority)((int)Priority - 1);
        Touch(now);
        History.Add(new StatusChange { From = Status, To = Status, Action = "Escalate", At = now, ActorUserId = actor.UserId, ActorName = actor.Name, Note = note });
        return true;
    }

    /// <summary>Gives the request its public number once the database has given it an id.</summary>
    public void AssignNumber(int year)
    {
        if (!Number.StartsWith("pending-", StringComparison.Ordinal)) return;
        Number = FormatNumber(year, Id);
    }

    public static string FormatNumber(int year, int id) => $"CST-{year}-{id:D6}";

    /// <summary>
    /// Applies one workflow action. The rules decide; on success the state, timestamps, assignee and
    /// history change together and the version rises. On failure nothing changes.
    /// </summary>
    public Result Transition(TransitionCommand command, Party party, ActorInfo actor, DateTime now)
    {
        var facts = command.Facts with { ResolvedAt = ResolvedAt, Now = now };
        var check = TransitionRules.Check(Status, command.Action, party, facts);
        if (!check.Succeeded) return Result.Fail(check.Error!);

        var from = Status;
        switch (command.Action)
        {
            case WorkflowAction.Triage:
                CategoryId = command.CategoryId ?? CategoryId;
                Priority = command.Priority ?? Priority;
                TriagedAt = now;
                ResponseDueAt = command.ResponseDueAt;
                ResolutionDueAt = command.ResolutionDueAt;
                break;
            case WorkflowAction.Assign:
                AssignedTeamId = command.TeamId;
                AssignedAgentId = command.AgentId;
                AssignedAt = now;
                AssignmentNote = string.IsNullOrWhiteSpace(command.Facts.Reason) ? null : command.Facts.Reason.Trim();
                break;
            case WorkflowAction.Unassign:
                AssignedAgentId = null;
                AssignedAt = null;
                AssignmentNote = null;
                break;
            case WorkflowAction.Start:
                StartedAt ??= now;
                Milestones.Add(new Milestone { Kind = MilestoneKind.WorkStarted, At = now, ActorUserId = actor.UserId, Latitude = command.Latitude, Longitude = command.Longitude });
                break;
            case WorkflowAction.Resolve:
                ResolvedAt = now;
                ResolutionNote = command.Facts.ResolutionNote!.Trim();
                Milestones.Add(new Milestone { Kind = MilestoneKind.Resolved, At = now, ActorUserId = actor.UserId, Latitude = command.Latitude, Longitude = command.Longitude });
                break;
            case WorkflowAction.Reopen:
                ResolvedAt = null;
                ResolutionNote = null;
                ReopenCount++;
                break;
            case WorkflowAction.Close:
                ClosedAt = now;
                break;
            case WorkflowAction.CloseWithReason:
                ClosedAt = now;
                CloseReason = command.Facts.CloseReason;
                MasterRequestId = command.Facts.CloseReason == Workflow.CloseReason.Duplicate ? command.MasterRequestId : null;
                break;
        }

        Status = check.Value;
        Touch(now);
        History.Add(new StatusChange
        {
            From = from, To = Status, Action = command.Action.ToString(), At = now,
            ActorUserId = actor.UserId, ActorName = actor.Name,
            Note = command.Facts.Reason ?? command.Facts.ResolutionNote,
        });
        return Result.Ok();
    }

    /// <summary>The assigned agent reached the site: recorded before work starts.</summary>
    public Result RecordArrival(Party party, ActorInfo actor, DateTime now, double? latitude, double? longitude)
    {
        if ((party & Party.AssignedAgent) == 0) return Result.Fail(Texts.Get("Only the assigned agent can record arriving on site."));
        if (Status is not (RequestStatus.Assigned or RequestStatus.InProgress)) return Result.Fail(Texts.Get("Arrival can be recorded only while the request is assigned or in progress."));
        if (Milestones.Any(m => m.Kind == MilestoneKind.Arrived)) return Result.Fail(Texts.Get("Arrival was already recorded."));
        Milestones.Add(new Milestone { Kind = MilestoneKind.Arrived, At = now, ActorUserId = actor.UserId, Latitude = latitude, Longitude = longitude });
        Touch(now);
        return Result.Ok();
    }

    /// <summary>A staff-only note; never shown to the public.</summary>
    public Result AddInternalNote(ActorInfo actor, string text, DateTime now)
    {
        if (string.IsNullOrWhiteSpace(text)) return Result.Fail(Texts.Get("Write a note first."));
        if (text.Length > 4000) return Result.Fail(Texts.Get("A note can be at most 4,000 characters."));
        InternalNotes.Add(new InternalNote { AuthorUserId = actor.UserId, AuthorName = actor.Name, Text = text.Trim(), At = now });
        Touch(now);
        return Result.Ok();
    }

    public Result AddComment(ActorInfo actor, string text, DateTime now)
    {
        if (string.IsNullOrWhiteSpace(text)) return Result.Fail(Texts.Get("Write a comment first."));
        if (text.Length > 4000) return Result.Fail(Texts.Get("A comment can be at most 4,000 characters."));
        Comments.Add(new Comment { AuthorUserId = actor.UserId, AuthorName = actor.Name, Text = text.Trim(), At = now });
        Touch(now);
        return Result.Ok();
    }

    /// <summary>Photos added by the reporter or a supporter, while the request is open (or at submission).</summary>
    public Result AddPhotos(IEnumerable<ProcessedPhoto> photos, string? userId, DateTime now)
    {
        var list = photos.ToList();
        if (list.Count == 0) return Result.Ok();
        if (!Status.IsOpen()) return Result.Fail(Texts.Get("This request is no longer open, so photos cannot be added."));
        if (Evidence.Count(e => e.Stage == "report") + list.Count > MaxReportPhotos)
            return Result.Fail(Texts.Get("A request can have at most {0} photos from reporters.", MaxReportPhotos));
        foreach (var p in list.Where(p => Evidence.All(e => e.Sha256 != p.Sha256)))
            Evidence.Add(new Evidence
            {
                Sha256 = p.Sha256, ContentType = ProcessedPhoto.ContentType, Width = p.Width, Height = p.Height,
                Bytes = p.Image.Length, UploadedByUserId = userId, Stage = "report", At = now,
            });
        if (Id != 0) Touch(now); // photos sent with the report itself are part of version 1
        return Result.Ok();
    }

    public const int MaxReportPhotos = 25;

    /// <summary>Another person reported the same problem and joined this request.</summary>
    public Result AddSupporter(DateTime now)
    {
        if (!Status.IsOpen()) return Result.Fail(Texts.Get("This request is already closed; report the problem as a new request."));
        SupporterCount++;
        Touch(now);
        return Result.Ok();
    }

    /// <summary>The reporter rates the service: once, and only after it was resolved or closed.</summary>
    public Result Rate(int stars, string? text, DateTime now)
    {
        if (Status is not (RequestStatus.Resolved or RequestStatus.Closed)) return Result.Fail(Texts.Get("You can rate the service once the request is resolved."));
        if (CloseReason is not null) return Result.Fail(Texts.Get("This request was closed without being fixed, so there is nothing to rate."));
        if (Rating is not null) return Result.Fail(Texts.Get("You have already rated this request. Thank you!"));
        if (stars is < 1 or > 5) return Result.Fail(Texts.Get("Choose from 1 to 5 stars."));
        if (text is { Length: > 2000 }) return Result.Fail(Texts.Get("The comment with a rating can be at most 2,000 characters."));
        Rating = new Rating { Stars = stars, Text = string.IsNullOrWhiteSpace(text) ? null : text.Trim(), At = now };
        Touch(now);
        return Result.Ok();
    }

    private void Touch(DateTime now)
    {
        UpdatedAt = now;
        Version++;
    }

    /// <summary>For the demo city and benchmark generator only: a request with a past already lived.</summary>
    internal static ServiceRequest FromHistory(int id, string number, NewRequest r, RequestStatus status, IReadOnlyList<StatusChange> history,
        DateTime createdAt, DateTime? triagedAt, DateTime? assignedAt, DateTime? startedAt, DateTime? resolvedAt, DateTime? closedAt,
        DateTime? responseDue, DateTime? resolutionDue, int? teamId, int? agentId, string? resolutionNote, CloseReason? closeReason, int? masterRequestId)
    {
        var request = new ServiceRequest
        {
            Id = id, Number = number, CategoryId = r.CategoryId, Priority = r.Priority, Description = r.Description,
            Latitude = r.Latitude, Longitude = r.Longitude, GridCell = Geo.GeoGrid.Cell(r.Latitude, r.Longitude), Address = r.Address, ZoneId = r.ZoneId,
            ReporterUserId = r.ReporterUserId, TrackingCodeHash = r.TrackingCodeHash, ReporterEmail = r.ReporterEmail,
            Status = status, CreatedAt = createdAt, UpdatedAt = history[^1].At,
            TriagedAt = triagedAt, AssignedAt = assignedAt, StartedAt = startedAt, ResolvedAt = resolvedAt, ClosedAt = closedAt,
            ResponseDueAt = responseDue, ResolutionDueAt = resolutionDue, AssignedTeamId = teamId, AssignedAgentId = agentId,
            ResolutionNote = resolutionNote, CloseReason = closeReason, MasterRequestId = masterRequestId, Version = history.Count,
        };
        request.Answers.AddRange(r.Answers.Select(a => new RequestAnswer { QuestionCode = a.Key, Value = a.Value }));
        request.History.AddRange(history);
        return request;
    }

    internal void AttachRating(Rating rating) => Rating = rating;
}

/// <summary>What a reporter submits.</summary>
public sealed record NewRequest(
    int CategoryId,
    Priority Priority,
    string Description,
    double Latitude,
    double Longitude,
    string? Address,
    int ZoneId,
    string? ReporterUserId,
    string? TrackingCodeHash,
    string? ReporterEmail,
    IReadOnlyDictionary<string, string> Answers);

/// <summary>Who acts, as written into history and audit.</summary>
public sealed record ActorInfo(string? UserId, string Name);

/// <summary>One workflow action with what it needs.</summary>
public sealed record TransitionCommand(WorkflowAction Action, TransitionFacts Facts)
{
    public int? CategoryId { get; init; }
    public Priority? Priority { get; init; }
    public DateTime? ResponseDueAt { get; init; }
    public DateTime? ResolutionDueAt { get; init; }
    public int? TeamId { get; init; }
    public int? AgentId { get; init; }
    public int? MasterRequestId { get; init; }
    public double? Latitude { get; init; }
    public double? Longitude { get; init; }
}
