using System.Net.Mail;
using CstPortal.Common;
using CstPortal.Data;
using CstPortal.Features.Audit;
using CstPortal.Features.Duplicates;
using CstPortal.Features.Geo;
using CstPortal.Features.Notifications;
using CstPortal.Features.Workflow;
using Microsoft.EntityFrameworkCore;

namespace CstPortal.Features.Requests;

public sealed record QuestionView(string Code, string Prompt, QuestionType Type, bool Required, IReadOnlyList<(string Key, string Label)> Choices);

public sealed record CategoryForm(int Id, string Name, string Group, string Description, IReadOnlyList<QuestionView> Questions);

public sealed record DuplicateView(string Number, string CategoryName, RequestStatus Status, string? Address, string Description,
    DateTime CreatedAt, double DistanceMeters, double Latitude, double Longitude, int SupporterCount);

public sealed record PhotoView(long Id, int Width, int Height);

/// <summary>A request as a citizen sees it, with what they may do next.</summary>
public sealed record CitizenView(
    RequestDetails Details, IReadOnlyList<PhotoView> Photos, int? RatingStars, string? RatingText,
    bool CanComment, bool CanRate, bool CanConfirmOrDispute, DateTime? DisputeUntil, bool IsReporter);

public sealed record JoinInput(string? Email = null, IReadOnlyList<PhotoUpload>? Photos = null);

public sealed record OpenPoint(string Number, string CategoryName, RequestStatus Status, double Latitude, double Longitude, DateTime CreatedAt);

/// <summary>A photo to send: the receiver disposes <see cref="Content"/>.</summary>
public sealed record EvidenceFile(Stream Content, string ContentType);

/// <summary>
/// What a citizen does in the portal beyond submitting: duplicates, joining, adding comments and photos,
/// rating, confirming or disputing a fix, and the public views. Works for signed-in citizens and for
/// anonymous reporters who hold the tracking code. One unit of work per method.
/// </summary>
public sealed class CitizenService(
    IDbContextFactory<CstDbContext> dbFactory, TimeProvider clock, RequestService requests, WorkflowService workflow,
    DuplicateFinder duplicates, IEvidenceStore evidence, CitizenLimits limits, RequestEvents events, ZoneDirectory zones)
{
    /// <summary>The city's extent, to open the map on it.</summary>
    public Task<(double MinLat, double MinLng, double MaxLat, double MaxLng)> MapExtentAsync(CancellationToken ct = default) => zones.ExtentAsync(ct);

    private enum Relation { None, Supporter, Reporter, Staff }

    public async Task<IReadOnlyList<CategoryForm>> CategoriesAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var culture = Cultures.Current;
        var categories = await db.Categories.AsNoTracking().AsSplitQuery().Where(c => c.IsActive)
            .Include(c => c.Translations.Where(t => t.Culture == culture))
            .Include(c => c.Questions).ThenInclude(q => q.Translations.Where(t => t.Culture == culture))
            .OrderBy(c => c.Group).ThenBy(c => c.Name).ToListAsync(ct);
        return categories.Select(c => (Category: c, Text: c.In(culture))).OrderBy(c => c.Text.Group, StringComparer.CurrentCulture)
            .ThenBy(c => c.Text.Name, StringComparer.CurrentCulture)
            .Select(c => new CategoryForm(c.Category.Id, c.Text.Name, c.Text.Group, c.Text.Description,
                c.Category.Questions.OrderBy(q => q.Order).Select(q => new QuestionView(q.Code, q.PromptIn(culture), q.Type, q.Required, q.ChoicesIn(culture))).ToList()))
            .ToList();
    }

    /// <summary>Open requests of the category near the point from the last 30 days, best match first.</summary>
    public async Task<IReadOnlyList<DuplicateView>> DuplicatesAsync(int categoryId, double latitude, double longitude, string? description, CancellationToken ct = default)
    {
        var matches = await duplicates.FindAsync(categoryId, latitude, longitude, description, ct: ct);
        if (matches.Count == 0) return [];
        var numbers = matches.Select(m => m.Candidate.Number).ToList();
        var culture = Cultures.Current;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Requests.AsNoTracking().Where(r => numbers.Contains(r.Number))
            .Select(r => new { r.Number, Category = r.Category!.Translations.Where(t => t.Culture == culture && t.Name != "").Select(t => t.Name).FirstOrDefault() ?? r.Category.Name,
                r.Status, r.Address, r.SupporterCount }).ToDictionaryAsync(r => r.Number, ct);
        return matches.Where(m => rows.ContainsKey(m.Candidate.Number)).Select(m =>
        {
            var r = rows[m.Candidate.Number];
            return new DuplicateView(r.Number, r.Category, r.Status, r.Address, m.Candidate.Description, m.Candidate.CreatedAt,
                Math.Round(m.DistanceMeters), m.Candidate.Latitude, m.Candidate.Longitude, r.SupporterCount);
        }).ToList();
    }

    public async Task<Result<SubmitReceipt>> SubmitAsync(SubmitInput input, Actor actor, string? clientAddress, CancellationToken ct = default)
    {
        var limited = limits.TryTake(CitizenLimits.Submit, actor.UserId, clientAddress);
        if (!limited.Succeeded) return Result<SubmitReceipt>.Fail(limited.Error!);
        return await requests.SubmitAsync(input, actor, ct);
    }

    /// <summary>"Add my report to this one": the person becomes a supporter and their photos become evidence; no new request.</summary>
    public async Task<Result> JoinAsync(string number, JoinInput input, Actor actor, string? clientAddress, CancellationToken ct = default)
    {
        var limited = limits.TryTake(CitizenLimits.Submit, actor.UserId, clientAddress);
        if (!limited.Succeeded) return limited;
        var email = actor.UserId is null && !string.IsNullOrWhiteSpace(input.Email) ? input.Email.Trim() : null;
        if (email is not null && !ContactEmail.IsValid(email)) return Result.Fail(Texts.Get("The email address does not look right."));
        var photos = PhotoRules.ProcessAll(input.Photos);
        if (!photos.Succeeded) return Result.Fail(photos.Error!);

        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var request = await db.Requests.Include(r => r.Evidence).SingleOrDefaultAsync(r => r.Number == number, ct);
        if (request is null) return Result.NotFound(Texts.Get("There is no request {0}.", number));
        if (actor.UserId is not null && (request.ReporterUserId == actor.UserId
                || await db.RequestSupporters.AnyAsync(s => s.ServiceRequestId == request.Id && s.UserId == actor.UserId, ct)))
            return Result.Fail(Texts.Get("You have already reported this problem; it is in your requests."));
        var joined = request.AddSupporter(now);
        if (!joined.Succeeded) return joined;
        var added = request.AddPhotos(photos.Value!, actor.UserId, now);
        if (!added.Succeeded) return added;
        foreach (var photo in photos.Value!) await evidence.SaveAsync(photo, ct);
        db.RequestSupporters.Add(new RequestSupporter { ServiceRequestId = request.Id, UserId = actor.UserId, Email = email, At = now });
        await AuditLog.AppendAsync(db, actor.Info, "request.support", "ServiceRequest", number,
            new { anonymous = actor.UserId is null, photos = photos.Value!.Select(p => p.Sha256) }, now, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        events.Publish(new RequestChanged(number, request.Status.Code()));
        return Result.Ok();
    }

    /// <summary>The request for its reporter or a supporter (signed in), or for the holder of its tracking code.</summary>
    public async Task<Result<CitizenView>> ViewAsync(string number, Actor actor, string? code, CancellationToken ct = default)
    {
        var details = code is null ? await requests.GetAsync(number, actor, ct) : await requests.TrackAsync(number, code, ct);
        if (!details.Succeeded) return Result<CitizenView>.Fail(details.Error!);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var request = await db.Requests.AsNoTracking().Include(r => r.Rating).SingleAsync(r => r.Number == details.Value!.Number, ct);
        var relation = await RelationAsync(db, request, actor, code, ct);
        return await ComposeAsync(db, request, details.Value!, relation, ct);
    }

    /// <summary>The public page of a request: no personal data, nothing to do but look.</summary>
    public async Task<Result<CitizenView>> PublicAsync(string number, CancellationToken ct = default)
    {
        var details = await requests.PublicAsync(number, ct);
        if (!details.Succeeded) return Result<CitizenView>.Fail(details.Error!);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var request = await db.Requests.AsNoTracking().Include(r => r.Rating).SingleAsync(r => r.Number == details.Value!.Number, ct);
        return await ComposeAsync(db, request, details.Value!, Relation.None, ct);
    }

    public async Task<Result> CommentAsync(string number, string? code, string text, Actor actor, string? clientAddress, CancellationToken ct = default)
    {
        var limited = limits.TryTake(CitizenLimits.Comment, actor.UserId, clientAddress);
        if (!limited.Succeeded) return limited;
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var request = await db.Requests.SingleOrDefaultAsync(r => r.Number == number, ct);
        var relation = request is null ? Relation.None : await RelationAsync(db, request, actor, code, ct);
        if (request is null || relation == Relation.None) return Result.NotFound(Texts.Get("There is no request {0} that you can comment on.", number));
        if (!request.Status.IsOpen() && relation != Relation.Staff) return Result.Fail(Texts.Get("This request is no longer open for comments."));
        var who = actor.UserId is null ? new ActorInfo(null, relation == Relation.Reporter ? "Reporter (tracking code)" : "Anonymous") : actor.Info;
        var outcome = request.AddComment(who, text, now);
        if (!outcome.Succeeded) return outcome;
        await AuditLog.AppendAsync(db, who, "request.comment", "ServiceRequest", number, new { length = text.Length, relation = relation.ToString() }, now, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        events.Publish(new RequestChanged(number, request.Status.Code()));
        return Result.Ok();
    }

    public async Task<Result> AddPhotosAsync(string number, string? code, IReadOnlyList<PhotoUpload> uploads, Actor actor, string? clientAddress, CancellationToken ct = default)
    {
        if (uploads.Count == 0) return Result.Fail(Texts.Get("Choose at least one photo."));
        var limited = limits.TryTake(CitizenLimits.Comment, actor.UserId, clientAddress);
        if (!limited.Succeeded) return limited;
        var photos = PhotoRules.ProcessAll(uploads);
        if (!photos.Succeeded) return Result.Fail(photos.Error!);
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var request = await db.Requests.Include(r => r.Evidence).SingleOrDefaultAsync(r => r.Number == number, ct);
        var relation = request is null ? Relation.None : await RelationAsync(db, request, actor, code, ct);
        if (request is null || relation is Relation.None or Relation.Staff) return Result.NotFound(Texts.Get("There is no request {0} that you can add photos to.", number));
        var added = request.AddPhotos(photos.Value!, actor.UserId, now);
        if (!added.Succeeded) return added;
        foreach (var photo in photos.Value!) await evidence.SaveAsync(photo, ct);
        await AuditLog.AppendAsync(db, actor.Info, "request.photos", "ServiceRequest", number, new { photos = photos.Value!.Select(p => p.Sha256) }, now, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        events.Publish(new RequestChanged(number, request.Status.Code()));
        return Result.Ok();
    }

    /// <summary>The reporter rates the service 1–5 once, after it was resolved or closed.</summary>
    public async Task<Result> RateAsync(string number, string? code, int stars, string? text, Actor actor, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var request = await db.Requests.Include(r => r.Rating).SingleOrDefaultAsync(r => r.Number == number, ct);
        var relation = request is null ? Relation.None : await RelationAsync(db, request, actor, code, ct);
        if (request is null || relation != Relation.Reporter) return Result.Fail(Texts.Get("Only the person who reported this request can rate it."));
        var outcome = request.Rate(stars, text, now);
        if (!outcome.Succeeded) return outcome;
        await AuditLog.AppendAsync(db, actor.Info, "request.rate", "ServiceRequest", number, new { stars }, now, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        events.Publish(new RequestChanged(number, request.Status.Code()));
        return Result.Ok();
    }

    /// <summary>The reporter confirms the fix (closes the request) or disputes it with a reason (reopens it), through the workflow's rules.</summary>
    public Task<Result> ConfirmOrDisputeAsync(string number, string? code, long version, bool confirm, string? reason, Actor actor, CancellationToken ct = default)
    {
        var input = confirm ? new TransitionInput(WorkflowAction.Close) : new TransitionInput(WorkflowAction.Reopen) { Reason = reason };
        return code is null
            ? workflow.ApplyAsync(number, version, input, actor, ct)
            : workflow.ApplyWithTrackingCodeAsync(number, code, version, input, ct);
    }

    /// <summary>Open requests of the last 30 days for the public map (no personal data).</summary>
    public async Task<IReadOnlyList<OpenPoint>> OpenRequestsAsync(int max = 500, CancellationToken ct = default)
    {
        var since = clock.GetUtcNow().UtcDateTime.AddDays(-30);
        var open = RequestStatusExtensions.OpenStatuses;
        var culture = Cultures.Current;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Requests.AsNoTracking().Where(r => open.Contains(r.Status) && r.CreatedAt >= since)
            .OrderByDescending(r => r.CreatedAt).Take(Math.Clamp(max, 1, 2000))
            .Select(r => new OpenPoint(r.Number,
                r.Category!.Translations.Where(t => t.Culture == culture && t.Name != "").Select(t => t.Name).FirstOrDefault() ?? r.Category.Name, r.Status, r.Latitude, r.Longitude, r.CreatedAt)).ToListAsync(ct);
    }

    /// <summary>A photo file, if this viewer may see it: photos of requests are public unless the request was closed as invalid.</summary>
    public async Task<EvidenceFile?> PhotoAsync(long id, bool thumbnail, Actor viewer, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.Evidence.AsNoTracking().Where(e => e.Id == id)
            .Join(db.Requests, e => e.ServiceRequestId, r => r.Id, (e, r) => new { e.Sha256, e.ContentType, r.CloseReason, r.ReporterUserId })
            .SingleOrDefaultAsync(ct);
        if (row is null) return null;
        var hidden = row.CloseReason == CloseReason.Invalid && !viewer.IsStaff && (viewer.UserId is null || viewer.UserId != row.ReporterUserId);
        if (hidden) return null;
        return await evidence.OpenAsync(row.Sha256, thumbnail, ct) is { } content ? new EvidenceFile(content, row.ContentType) : null;
    }

    private static async Task<Relation> RelationAsync(CstDbContext db, ServiceRequest request, Actor actor, string? code, CancellationToken ct)
    {
        if (code is not null)
            return request.TrackingCodeHash is not null && TrackingCodes.Matches(code, request.TrackingCodeHash) ? Relation.Reporter : Relation.None;
        if (actor.UserId is null) return Relation.None;
        if (request.ReporterUserId == actor.UserId) return Relation.Reporter;
        if (await db.RequestSupporters.AnyAsync(s => s.ServiceRequestId == request.Id && s.UserId == actor.UserId, ct)) return Relation.Supporter;
        return actor.IsStaff ? Relation.Staff : Relation.None;
    }

    private async Task<Result<CitizenView>> ComposeAsync(CstDbContext db, ServiceRequest request, RequestDetails details, Relation relation, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        // The request's own photos and those of duplicates merged into it (they stay visible from the master).
        var photos = await db.Evidence.AsNoTracking()
            .Where(e => e.ServiceRequestId == request.Id || db.Requests.Any(d => d.Id == e.ServiceRequestId && d.MasterRequestId == request.Id))
            .OrderBy(e => e.At).ThenBy(e => e.Id)
            .Select(e => new PhotoView(e.Id, e.Width, e.Height)).ToListAsync(ct);
        if (request.CloseReason == CloseReason.Invalid && relation is Relation.None or Relation.Supporter) photos = [];
        var isReporter = relation == Relation.Reporter;
        var resolvedFixed = request.Status is RequestStatus.Resolved or RequestStatus.Closed && request.CloseReason is null;
        var disputeUntil = request.Status == RequestStatus.Resolved && request.ResolvedAt is { } at ? at + TransitionRules.ReporterReopenWindow : (DateTime?)null;
        return new CitizenView(details, photos, request.Rating?.Stars, request.Rating?.Text,
            CanComment: relation is Relation.Reporter or Relation.Supporter && request.Status.IsOpen(),
            CanRate: isReporter && resolvedFixed && request.Rating is null,
            CanConfirmOrDispute: isReporter && request.Status == RequestStatus.Resolved,
            DisputeUntil: disputeUntil is { } d && d > now ? d : null,
            IsReporter: isReporter);
    }
}

/// <summary>Email addresses people type: one address, a sensible length.</summary>
public static class ContactEmail
{
    public static bool IsValid(string email) =>
        email.Length <= 256 && MailAddress.TryCreate(email.Trim(), out var parsed) && parsed.Address == email.Trim() && parsed.Host.Contains('.');
}
