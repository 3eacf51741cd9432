using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CstPortal.Common;
using CstPortal.Data;
using CstPortal.Features.Audit;
using CstPortal.Features.Geo;
using CstPortal.Features.Sla;
using CstPortal.Features.Workflow;
using Microsoft.EntityFrameworkCore;

namespace CstPortal.Features.Requests;

/// <summary>What a reporter fills in.</summary>
public sealed record SubmitInput(
    int CategoryId, string Description, double Latitude, double Longitude, string? Address,
    IReadOnlyDictionary<string, string>? Answers = null, string? AnonymousEmail = null,
    IReadOnlyList<PhotoUpload>? Photos = null);

/// <summary>
/// A submission that passed <see cref="RequestService.Check"/>: its input, who submits it, its processed photos, the culture
/// its messages are in, and more work for its unit of work once the request has its number (Open311 records its submission there).
/// </summary>
public sealed record SubmitWork(SubmitInput Input, Actor Actor, IReadOnlyList<ProcessedPhoto> Photos, string Culture,
    Func<CstDbContext, ServiceRequest, Task>? AlsoInTransaction);

/// <summary>Submitting, reading, tracking and commenting on requests. One unit of work per method.</summary>
public sealed class RequestService(
    IDbContextFactory<CstDbContext> dbFactory, TimeProvider clock, ZoneDirectory zones, RequestEvents events, IEvidenceStore evidence,
    CitizenLimits limits)
{
    public const int MaxDescription = 4000;

    /// <summary>
    /// One submission in one transaction (Open311's intake writes many to a transaction through <see cref="WriteAsync"/>,
    /// with the same checks and audit).
    /// </summary>
    public async Task<Result<SubmitReceipt>> SubmitAsync(SubmitInput input, Actor actor, CancellationToken ct = default)
    {
        var work = Check(input, actor);
        if (!work.Succeeded) return Result<SubmitReceipt>.Fail(work.Error!);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var outcome = (await WriteAsync(db, [work.Value!], ct))[0];
        if (!outcome.Succeeded) return outcome;
        await tx.CommitAsync(ct);
        PublishSubmitted(outcome.Value!);
        return outcome;
    }

    /// <summary>
    /// The checks that need no database (text, point, email, address, photos), in the current culture: a submission
    /// that passes is ready for <see cref="WriteAsync"/>, which checks the rest (category, zone, answers).
    /// </summary>
    public static Result<SubmitWork> Check(SubmitInput input, Actor actor, Func<CstDbContext, ServiceRequest, Task>? alsoInTransaction = null)
    {
        if (string.IsNullOrWhiteSpace(input.Description)) return Result<SubmitWork>.Fail(Texts.Get("Describe the problem."));
        if (input.Description.Length > MaxDescription) return Result<SubmitWork>.Fail(Texts.Get("The description can be at most {0:N0} characters.", MaxDescription));
        if (input.Latitude is < -90 or > 90 || input.Longitude is < -180 or > 180 || double.IsNaN(input.Latitude) || double.IsNaN(input.Longitude))
            return Result<SubmitWork>.Fail(Texts.Get("The location is not a valid point on the map."));
        if (input.AnonymousEmail is { Length: > 0 } email && !ContactEmail.IsValid(email))
            return Result<SubmitWork>.Fail(Texts.Get("The email address does not look right."));
        if (input.Address is { Length: > 400 }) return Result<SubmitWork>.Fail(Texts.Get("The address or landmark can be at most 400 characters."));
        var photos = PhotoRules.ProcessAll(input.Photos);
        if (!photos.Succeeded) return Result<SubmitWork>.Fail(photos.Error!);
        return new SubmitWork(input, actor, photos.Value!, Cultures.Current, alsoInTransaction);
    }

    /// <summary>
    /// Writes checked submissions into the caller's unit of work, in order, inside the caller's transaction: each request
    /// with its history, answers, photos, SLA due times, number, confirmation email (outbox), the caller's extra work and
    /// its audit link. Category, zone and answers are checked here, each submission on its own and in its own culture:
    /// one that fails gets its message and adds nothing, the others go on. Category and SLA rules are read once for all.
    /// The caller commits, then calls <see cref="PublishSubmitted"/> for each receipt.
    /// </summary>
    public async Task<IReadOnlyList<Result<SubmitReceipt>>> WriteAsync(CstDbContext db, IReadOnlyList<SubmitWork> works, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var categoryIds = works.Select(w => w.Input.CategoryId).Distinct().ToList();
        var categories = await db.Categories.AsNoTracking().Include(c => c.Questions)
            .Where(c => categoryIds.Contains(c.Id) && c.IsActive).ToDictionaryAsync(c => c.Id, ct);
        var slaRules = await SlaDueTimes.RulesAsync(db, categories.Keys, ct);
        var escalationRules = await EscalationSchedule.ActiveRulesAsync(db, ct);

        var outcomes = new Result<SubmitReceipt>[works.Count];
        var made = new List<(int Index, ServiceRequest Request, Category Category, string? TrackingCode)>();
        for (var i = 0; i < works.Count; i++)
        {
            var (input, actor, photos, culture, _) = works[i];
            Result<SubmitReceipt> Fail(Func<string> message) => Result<SubmitReceipt>.Fail(Cultures.With(culture, message));

            if (!categories.TryGetValue(input.CategoryId, out var category)) { outcomes[i] = Fail(() => Texts.Get("Choose a category.")); continue; }
            var zoneId = await zones.LocateAsync(input.Latitude, input.Longitude, ct);
            if (zoneId is null) { outcomes[i] = Fail(() => Texts.Get("That location is outside the city's service area. Move the pin inside the city.")); continue; }
            var answers = Cultures.With(culture, () => CategoryAnswers.Validate(category.Questions, input.Answers ?? new Dictionary<string, string>()));
            if (!answers.Succeeded) { outcomes[i] = Result<SubmitReceipt>.Fail(answers.Error!); continue; }

            string? trackingCode = null, trackingHash = null;
            if (actor.UserId is null)
            {
                trackingCode = TrackingCodes.New();
                trackingHash = TrackingCodes.Hash(trackingCode);
            }
            var request = ServiceRequest.Submit(new NewRequest(category.Id, category.DefaultPriority, input.Description,
                input.Latitude, input.Longitude, input.Address, zoneId.Value, actor.UserId, trackingHash,
                actor.UserId is null && !string.IsNullOrWhiteSpace(input.AnonymousEmail) ? input.AnonymousEmail.Trim() : null,
                answers.Value!), now);
            var added = Cultures.With(culture, () => request.AddPhotos(photos, actor.UserId, now));
            if (!added.Succeeded) { outcomes[i] = Result<SubmitReceipt>.Fail(added.Error!); continue; }
            foreach (var photo in photos) await evidence.SaveAsync(photo, ct);
            if (slaRules.For(category.Id, category.DefaultPriority, now) is { } due) request.SetDueTimes(due.ResponseDueAt, due.ResolutionDueAt);
            await EscalationSchedule.RefreshAsync(db, request, ct, escalationRules); // new: no levels fired yet, no query
            db.Requests.Add(request);
            made.Add((i, request, category, trackingCode));
        }
        if (made.Count == 0) return outcomes;

        await db.SaveChangesAsync(ct); // the requests get their ids, so their numbers
        var audit = new List<AuditRecord>(made.Count);
        foreach (var (i, request, category, trackingCode) in made)
        {
            var (_, actor, photos, _, alsoInTransaction) = works[i];
            request.AssignNumber(now.Year);
            if (trackingCode is not null && request.ReporterEmail is { } contact)
                await Notifications.Outbox.EnqueueAsync(db, now, Notifications.NotificationChannel.Email, Notifications.NotificationTexts.ReportReceived,
                    () => new Dictionary<string, string> { ["number"] = request.Number, ["code"] = trackingCode, ["link"] = $"/track?number={request.Number}&code={trackingCode}" },
                    recipientEmail: contact, requestNumber: request.Number, deduplicationKey: $"submitted:{request.Number}", ct: ct);
            if (alsoInTransaction is not null) await alsoInTransaction(db, request);
            audit.Add(new AuditRecord(actor.Info, "request.submit", "ServiceRequest", request.Number,
                new { category = category.ServiceCode, zoneId = request.ZoneId, anonymous = actor.UserId is null, photos = photos.Select(p => p.Sha256) }));
            outcomes[i] = new SubmitReceipt(request.Number, trackingCode, request.ResponseDueAt, request.ResolutionDueAt);
        }
        await AuditLog.AppendAllAsync(db, audit, now, ct);
        await db.SaveChangesAsync(ct);
        return outcomes;
    }

    /// <summary>Tells open pages about a new request; after its transaction committed.</summary>
    public void PublishSubmitted(SubmitReceipt receipt) => events.Publish(new RequestChanged(receipt.Number, RequestStatus.New.Code()));

    public async Task<Paged<RequestSummary>> ListAsync(RequestFilter filter, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var q = db.Requests.AsNoTracking();
        if (filter.Status is { } status) q = q.Where(r => r.Status == status);
        if (filter.OpenOnly) q = q.Where(r => RequestStatusExtensions.OpenStatuses.Contains(r.Status));
        if (filter.CategoryId is { } c) q = q.Where(r => r.CategoryId == c);
        if (filter.ZoneId is { } z) q = q.Where(r => r.ZoneId == z);
        if (filter.AssignedAgentId is { } a) q = q.Where(r => r.AssignedAgentId == a);
        if (filter.ReporterUserId is { } u) q = q.Where(r => r.ReporterUserId == u);
        if (filter.ReporterOrSupporterUserId is { } rs)
            q = q.Where(r => r.ReporterUserId == rs || db.RequestSupporters.Any(s => s.ServiceRequestId == r.Id && s.UserId == rs));
        if (!string.IsNullOrWhiteSpace(filter.Search))
        {
            var s = filter.Search.Trim();
            q = q.Where(r => r.Number == s.ToUpper() || r.Description.Contains(s) || (r.Address != null && r.Address.Contains(s)));
        }
        var pageSize = Math.Clamp(filter.PageSize, 1, 200);
        var page = Math.Max(1, filter.Page);
        var total = await q.CountAsync(ct);
        var culture = Cultures.Current;
        var items = await q.OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id)
            .Skip((page - 1) * pageSize).Take(pageSize)
            .Select(r => new RequestSummary(r.Number,
                r.Category!.Translations.Where(t => t.Culture == culture && t.Name != "").Select(t => t.Name).FirstOrDefault() ?? r.Category.Name,
                r.Category.Translations.Where(t => t.Culture == culture && t.Group != "").Select(t => t.Group).FirstOrDefault() ?? r.Category.Group,
                r.Priority, r.Status,
                db.Zones.Where(zn => zn.Id == r.ZoneId).Select(zn => zn.Name).First(), r.Address, r.CreatedAt,
                r.ResponseDueAt, r.ResolutionDueAt, r.ResolvedAt,
                db.Agents.Where(ag => ag.Id == r.AssignedAgentId).Select(ag => ag.DisplayName).FirstOrDefault()
                    ?? db.Teams.Where(t => t.Id == r.AssignedTeamId).Select(t => t.Name).FirstOrDefault(),
                r.Latitude, r.Longitude))
            .ToListAsync(ct);
        return new Paged<RequestSummary>(items, total, page, pageSize);
    }

    /// <summary>
    /// A request as this viewer may see it: staff see everything, a citizen only their own requests.
    /// Anyone else is told it does not exist (so numbers cannot be probed).
    /// </summary>
    public async Task<Result<RequestDetails>> GetAsync(string number, Actor viewer, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var request = await LoadAsync(db, number, ct);
        var notFound = Result<RequestDetails>.NotFound(Texts.Get("There is no request {0} that you can see.", number));
        if (request is null) return notFound;
        var isStaff = viewer.IsStaff;
        if (!isStaff && (viewer.UserId is null || (request.ReporterUserId != viewer.UserId
                && !await db.RequestSupporters.AnyAsync(x => x.ServiceRequestId == request.Id && x.UserId == viewer.UserId, ct))))
            return notFound;
        var party = await WorkflowService.PartyOfAsync(db, request, viewer, ct);
        return await ProjectAsync(db, request, party, isStaff, await InternalNoteAccess.ReachAsync(db, viewer, ct), ct);
    }

    /// <summary>The public tracking view for whoever holds the request's number and secret code.</summary>
    public async Task<Result<RequestDetails>> TrackAsync(string number, string code, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var request = await LoadAsync(db, number.Trim().ToUpperInvariant(), ct);
        if (request?.TrackingCodeHash is null || !TrackingCodes.Matches(code, request.TrackingCodeHash))
            return Result<RequestDetails>.Fail(Texts.Get("No request matches that number and tracking code. Check both and try again."));
        return await ProjectAsync(db, request, Party.Reporter, isStaff: false, NoteReach.Nothing, ct);
    }

    /// <summary>What anyone may see of a request: no reporter, no staff names, no internal notes.</summary>
    public async Task<Result<RequestDetails>> PublicAsync(string number, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var request = await LoadAsync(db, number.Trim().ToUpperInvariant(), ct);
        if (request is null) return Result<RequestDetails>.NotFound(Texts.Get("There is no request {0}.", number));
        return await ProjectAsync(db, request, Party.None, isStaff: false, NoteReach.Nothing, ct);
    }

    public async Task<Result> CommentAsync(string number, string text, Actor actor, CancellationToken ct = default)
    {
        var limited = limits.TryTakeAction(actor);
        if (!limited.Succeeded) return limited;
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var request = await db.Requests.SingleOrDefaultAsync(r => r.Number == number, ct);
        if (request is null || (!actor.IsStaff && (actor.UserId is null || (request.ReporterUserId != actor.UserId
                && !await db.RequestSupporters.AnyAsync(x => x.ServiceRequestId == request.Id && x.UserId == actor.UserId, ct)))))
            return Result.NotFound(Texts.Get("There is no request {0} that you can comment on.", number));
        var outcome = request.AddComment(actor.Info, text, now);
        if (!outcome.Succeeded) return outcome;
        await AuditLog.AppendAsync(db, actor.Info, "request.comment", "ServiceRequest", number, new { length = text.Length }, now, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        events.Publish(new RequestChanged(number, request.Status.Code()));
        return Result.Ok();
    }

    /// <summary>A note between staff on a request (never shown to the reporter or the public).</summary>
    public async Task<Result> AddInternalNoteAsync(string number, string text, Actor actor, CancellationToken ct = default)
    {
        var limited = limits.TryTakeAction(actor);
        if (!limited.Succeeded) return limited;
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var request = await db.Requests.SingleOrDefaultAsync(r => r.Number == number, ct);
        // Who may read a request's notes may add to them; a note is no way to reach a request outside one's own zones.
        if (request is null || !InternalNoteAccess.MaySee(await InternalNoteAccess.ReachAsync(db, actor, ct), request.ZoneId, request.AssignedTeamId, request.AssignedAgentId))
            return Result.NotFound(Texts.Get("There is no request {0} that you can add a note to.", number));
        var outcome = request.AddInternalNote(actor.Info, text, now);
        if (!outcome.Succeeded) return outcome;
        await AuditLog.AppendAsync(db, actor.Info, "request.note", "ServiceRequest", number, new { length = text.Length }, now, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        events.Publish(new RequestChanged(number, request.Status.Code()));
        return Result.Ok();
    }

    /// <summary>The agent record of a user, if they are a field agent.</summary>
    public async Task<int?> AgentIdOfAsync(string? userId, CancellationToken ct = default)
    {
        if (userId is null) return null;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Agents.Where(a => a.UserId == userId).Select(a => (int?)a.Id).SingleOrDefaultAsync(ct);
    }

    public async Task<IReadOnlyList<CategoryOption>> CategoriesAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var culture = Cultures.Current;
        var categories = await db.Categories.AsNoTracking().Where(c => c.IsActive).Include(c => c.Translations.Where(t => t.Culture == culture)).ToListAsync(ct);
        return categories.Select(c => (c, Text: c.In(culture))).OrderBy(x => x.Text.Group, StringComparer.CurrentCulture).ThenBy(x => x.Text.Name, StringComparer.CurrentCulture)
            .Select(x => new CategoryOption(x.c.Id, x.Text.Name, x.Text.Group, x.c.DefaultPriority)).ToList();
    }

    /// <summary>Agents (with their open workload) and teams that a request can be assigned to.</summary>
    public async Task<IReadOnlyList<AssigneeOption>> AssigneesAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var open = new[] { RequestStatus.Assigned, RequestStatus.InProgress };
        var agents = await db.Agents.AsNoTracking().Where(a => a.IsActive && a.Team!.IsActive)
            .OrderBy(a => a.Team!.Name).ThenBy(a => a.DisplayName)
            .Select(a => new AssigneeOption(a.Id, a.TeamId, a.DisplayName + " — " + a.Team!.Name,
                db.Requests.Count(r => r.AssignedAgentId == a.Id && open.Contains(r.Status)), a.Capacity))
            .ToListAsync(ct);
        var teams = await db.Teams.AsNoTracking().Where(t => t.IsActive).OrderBy(t => t.Name)
            .Select(t => new AssigneeOption(null, t.Id, t.Name + " (team queue)", 0, 0)).ToListAsync(ct);
        return [.. teams, .. agents];
    }

    private static Task<ServiceRequest?> LoadAsync(CstDbContext db, string number, CancellationToken ct) =>
        db.Requests.AsNoTracking().AsSplitQuery()
            .Include(r => r.Category).ThenInclude(c => c!.Translations.Where(t => t.Culture == Cultures.Current)).Include(r => r.History).Include(r => r.Comments)
            .Include(r => r.Milestones).Include(r => r.Answers)
            .SingleOrDefaultAsync(r => r.Number == number, ct);

    private async Task<Result<RequestDetails>> ProjectAsync(CstDbContext db, ServiceRequest r, Party party, bool isStaff, NoteReach notesReach, CancellationToken ct)
    {
        var zoneName = await db.Zones.Where(z => z.Id == r.ZoneId).Select(z => z.Name).SingleAsync(ct);
        var team = r.AssignedTeamId is { } t ? await db.Teams.Where(x => x.Id == t).Select(x => x.Name).SingleOrDefaultAsync(ct) : null;
        var agent = r.AssignedAgentId is { } a ? await db.Agents.Where(x => x.Id == a).Select(x => x.DisplayName).SingleOrDefaultAsync(ct) : null;
        var master = r.MasterRequestId is { } m ? await db.Requests.Where(x => x.Id == m).Select(x => x.Number).SingleOrDefaultAsync(ct) : null;
        var reporter = isStaff && r.ReporterUserId is { } u
            ? await db.Users.Where(x => x.Id == u).Select(x => x.DisplayName + " <" + x.Email + ">").SingleOrDefaultAsync(ct)
            : isStaff ? (r.ReporterEmail is null ? "Anonymous" : $"Anonymous <{r.ReporterEmail}>") : null;
        var culture = Cultures.Current;
        var questions = await db.CategoryQuestions.AsNoTracking().Where(q => q.CategoryId == r.CategoryId)
            .Include(q => q.Translations.Where(t => t.Culture == culture)).ToDictionaryAsync(q => q.Code, ct);

        var timeline = new List<TimelineEntry>();
        timeline.AddRange(r.History.Select(h => new TimelineEntry(h.At, "status",
            h.From is null ? "Reported" : StatusTitle(h.To, h.Action),
            h.Note is not null && (isStaff || h.Action is nameof(WorkflowAction.Resolve) or nameof(WorkflowAction.Reopen)) ? h.Note : null,
            isStaff ? h.ActorName : null)));
        timeline.AddRange(r.Milestones.Where(ms => ms.Kind == MilestoneKind.Arrived)
            .Select(ms => new TimelineEntry(ms.At, "milestone", "Crew arrived on site", null, null)));
        var authorIds = r.Comments.Where(c => c.AuthorUserId is not null).Select(c => c.AuthorUserId!).Distinct().ToList();
        var staffRoles = Roles.All.Where(x => x != Roles.Citizen).ToList();
        var staffAuthors = (await db.UserRoles.Where(ur => authorIds.Contains(ur.UserId))
            .Join(db.Roles, ur => ur.RoleId, role => role.Id, (ur, role) => new { ur.UserId, role.Name })
            .Where(x => staffRoles.Contains(x.Name!)).Select(x => x.UserId).ToListAsync(ct)).ToHashSet();
        timeline.AddRange(r.Comments.Select(c => new TimelineEntry(c.At, "comment",
            c.AuthorUserId is not null && staffAuthors.Contains(c.AuthorUserId) ? "Reply from the city" : "Comment", c.Text, isStaff ? c.AuthorName : null)));
        // Duplicates merged into this request: the merge itself and their public comments show here too.
        var merged = await db.Requests.AsNoTracking().Where(d => d.MasterRequestId == r.Id)
            .Select(d => new { d.Id, d.Number, d.ClosedAt, d.CreatedAt }).ToListAsync(ct);
        if (merged.Count > 0)
        {
            var ids = merged.Select(d => d.Id).ToList();
            timeline.AddRange(merged.Select(d => new TimelineEntry(d.ClosedAt ?? d.CreatedAt, "merge", $"Duplicate {d.Number} merged into this request", null, null)));
            timeline.AddRange((await db.Comments.AsNoTracking().Where(c => ids.Contains(c.ServiceRequestId)).ToListAsync(ct))
                .Select(c => new TimelineEntry(c.At, "comment", $"Comment on {merged.Single(d => d.Id == c.ServiceRequestId).Number}", c.Text, isStaff ? c.AuthorName : null)));
        }
        timeline.Sort((x, y) => x.At.CompareTo(y.At));

        // Internal notes only within the viewer's reach (InternalNoteAccess), filtered in the query itself.
        var notes = await db.Requests.AsNoTracking().Where(x => x.Id == r.Id).Where(InternalNoteAccess.Filter(notesReach))
            .SelectMany(x => x.InternalNotes).OrderBy(n => n.At).ThenBy(n => n.Id)
            .Select(n => new TimelineEntry(n.At, "note", "Internal note", n.Text, n.AuthorName)).ToListAsync(ct);
        // Choices are stored by key and shown by their label.
        var answers = r.Answers.Select(x => questions.GetValueOrDefault(x.QuestionCode) is { } q
            ? new KeyValuePair<string, string>(q.PromptIn(culture), q.Type is QuestionType.SingleChoice or QuestionType.MultipleChoice
                ? string.Join(", ", x.Value.Split(';').Select(v => q.ChoicesIn(culture).FirstOrDefault(c => c.Key == v).Label ?? v))
                : x.Value)
            : new KeyValuePair<string, string>(x.QuestionCode, x.Value)).ToList();
        var actions = TransitionRules.AvailableActions(r.Status, party);
        var canArrive = (party & Party.AssignedAgent) != 0 && r.Status is RequestStatus.Assigned or RequestStatus.InProgress
            && r.Milestones.All(x => x.Kind != MilestoneKind.Arrived);

        var category = r.Category!.In(culture);
        return new RequestDetails(r.Number, r.Version, r.Status, category.Name, category.Group, r.CategoryId, r.Priority,
            r.Description, r.Latitude, r.Longitude, r.Address, zoneName, r.CreatedAt, r.ResponseDueAt, r.ResolutionDueAt,
            r.AssignedAt, r.ResolvedAt, team, agent, r.ResolutionNote, r.CloseReason, master, r.SupporterCount, answers,
            timeline, notes, reporter, actions, canArrive);
    }

    internal static string StatusTitle(RequestStatus to, string action) => action switch
    {
        nameof(WorkflowAction.Triage) => "Reviewed by the city",
        nameof(WorkflowAction.Assign) => "Assigned to a crew",
        nameof(WorkflowAction.Unassign) => "Returned to the queue",
        nameof(WorkflowAction.Start) => "Work started",
        nameof(WorkflowAction.Resolve) => "Resolved",
        nameof(WorkflowAction.Reopen) => "Reopened",
        nameof(WorkflowAction.Close) => "Closed",
        nameof(WorkflowAction.CloseWithReason) => "Closed",
        _ => TransitionRules.Describe(to),
    };
}

/// <summary>Secret codes that let an anonymous reporter follow a request. Only their hash is stored.</summary>
public static class TrackingCodes
{
    private const string Alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    public static string New()
    {
        Span<char> chars = stackalloc char[12];
        for (var i = 0; i < chars.Length; i++) chars[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        return new string(chars);
    }

    public static string Hash(string code) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Normalize(code))));

    public static bool Matches(string code, string hash) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(code)), Encoding.ASCII.GetBytes(hash));

    private static string Normalize(string code) => code.Trim().Replace("-", "").Replace(" ", "").ToUpperInvariant();
}

/// <summary>Checks answers to a category's extra questions (the same rules on the form and the server).</summary>
public static class CategoryAnswers
{
    public static Result<IReadOnlyDictionary<string, string>> Validate(IReadOnlyCollection<CategoryQuestion> questions, IReadOnlyDictionary<string, string> answers)
    {
        var clean = new Dictionary<string, string>();
        foreach (var q in questions.OrderBy(q => q.Order))
        {
            var value = answers.GetValueOrDefault(q.Code)?.Trim();
            if (string.IsNullOrEmpty(value))
            {
                if (q.Required) return Fail(Texts.Get("Answer the question \"{0}\".", q.Prompt));
                continue;
            }
            switch (q.Type)
            {
                case QuestionType.Number when !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _):
                    return Fail(Texts.Get("\"{0}\" needs a number.", q.Prompt));
                case QuestionType.SingleChoice when q.Choices().All(c => c.Key != value):
                    return Fail(Texts.Get("Choose one of the offered answers for \"{0}\".", q.Prompt));
                case QuestionType.MultipleChoice when value.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                    .Any(v => q.Choices().All(c => c.Key != v)):
                    return Fail(Texts.Get("Choose only offered answers for \"{0}\".", q.Prompt));
                case QuestionType.Text when value.Length > 1000:
                    return Fail(Texts.Get("The answer to \"{0}\" can be at most 1,000 characters.", q.Prompt));
            }
            clean[q.Code] = value;
        }
        var unknown = answers.Keys.FirstOrDefault(k => questions.All(q => q.Code != k));
        if (unknown is not null) return Fail(Texts.Get("\"{0}\" is not a question of this category.", unknown));
        return Result<IReadOnlyDictionary<string, string>>.Ok(clean);
    }

    private static Result<IReadOnlyDictionary<string, string>> Fail(string message) => Result<IReadOnlyDictionary<string, string>>.Fail(message);
}
