using System.Security.Cryptography;
using System.Text;
using CstPortal.Common;
using CstPortal.Data;
using CstPortal.Features.ApiKeys;
using CstPortal.Features.Assignment;
using CstPortal.Features.Requests;
using CstPortal.Features.Workflow;
using Microsoft.EntityFrameworkCore;

namespace CstPortal.Features.Open311;

/// <summary>An Open311 failure: the HTTP status (400, 403, 404) and the description the client is given.</summary>
// Open311 descriptions and errors stay in English: they are the API contract read by integrators, not page text.
public sealed record Open311Error(int Code, string Description);

/// <summary>A value or the Open311 error explaining why there is none.</summary>
public sealed record Open311Outcome<T>(T? Value, Open311Error? Error)
{
    public static implicit operator Open311Outcome<T>(T value) => new(value, null);
    public static implicit operator Open311Outcome<T>(Open311Error error) => new(default, error);
}

/// <summary>A POST requests form, parsed.</summary>
public sealed record Open311Post(
    string? ServiceCode, double? Latitude, double? Longitude, string? AddressString, string? Description,
    string? Email, string? MediaUrl, IReadOnlyDictionary<string, string> Attributes, string BodyHash);

/// <summary>GET requests filters, parsed.</summary>
public sealed record Open311Query(
    IReadOnlyList<string> Ids, IReadOnlyList<string> ServiceCodes, DateTime? Start, DateTime? End,
    bool? Open, int Page, int PageSize);

public sealed record Open311ServiceRow(string Code, string Name, string Description, string Group, bool HasAttributes);

public sealed record Open311RequestRow(
    string Id, bool Open, string? StatusNotes, string ServiceName, string ServiceCode, string Description, string? Agency,
    string? ServiceNotice, DateTime Requested, DateTime Updated, DateTime? Expected, string? Address, double Lat, double Long, string? MediaUrl);

public sealed record Open311UpdateRow(long UpdateId, string RequestId, bool Open, DateTime At, string Description);

public sealed record Open311Receipt(string? RequestId, string Token, string? ServiceNotice);

/// <summary>
/// Open311 GeoReport v2 over the app's own services: submission goes through RequestService (same rules,
/// same audit), reads are projections that never include the reporter's name, email or phone.
/// Status: new, triaged, assigned and in_progress are "open"; resolved and closed are "closed".
/// </summary>
public sealed class Open311Service(IDbContextFactory<CstDbContext> dbFactory, Open311Intake intake, Addresses.AddressRegister addresses, TimeProvider clock)
{
    public const int MaxPageSize = 1000;
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromDays(90);

    public static bool IsOpen(RequestStatus status) => status.IsOpen();

    public async Task<IReadOnlyList<Open311ServiceRow>> ServicesAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Categories.AsNoTracking().Where(c => c.IsActive).OrderBy(c => c.Group).ThenBy(c => c.Name)
            .Select(c => new Open311ServiceRow(c.ServiceCode, c.Name, c.Description, c.Group, c.Questions.Any()))
            .ToListAsync(ct);
    }

    public async Task<Category?> DefinitionAsync(string code, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Categories.AsNoTracking().Include(c => c.Questions)
            .SingleOrDefaultAsync(c => c.ServiceCode == code && c.IsActive, ct);
    }

    /// <summary>
    /// Creates a request, or with an Idempotency-Key already used by this key answers as the first time and
    /// creates nothing. What the form says is checked here; the rest is written by <see cref="Open311Intake"/>, many
    /// submissions to a transaction, and answered once that transaction is committed. An address_string without lat and
    /// long is looked up in the city's address register and the request takes that address's point.
    /// </summary>
    public async Task<Open311Outcome<Open311Receipt>> SubmitAsync(Open311Post post, ApiCaller caller, string? idempotencyKey, CancellationToken ct = default)
    {
        if (idempotencyKey is { Length: > 200 }) return Error(400, "The Idempotency-Key header can be at most 200 characters.");
        if (string.IsNullOrWhiteSpace(post.ServiceCode)) return Error(400, "service_code is required.");
        if (post.Latitude is null || post.Longitude is null)
        {
            if (string.IsNullOrWhiteSpace(post.AddressString)) return Error(400, "A location is required: send lat and long, or an address_string of the city.");
            if (await addresses.FindAsync(post.AddressString, ct) is not { } found)
                return Error(400, "address_string is not an address of the city's address register: send lat and long with it.");
            post = post with { Latitude = found.Latitude, Longitude = found.Longitude };
        }
        if (post.MediaUrl is { Length: > 0 } media && (!Uri.TryCreate(media, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || media.Length > 2000))
            return Error(400, "media_url must be an absolute http or https link of at most 2,000 characters.");
        return await intake.SubmitAsync(post, caller, string.IsNullOrWhiteSpace(idempotencyKey) ? null : idempotencyKey.Trim(), ct);

        static Open311Error Error(int code, string description) => new(code, description);
    }

    public static string? Notice(DateTime? resolutionDueAt) => resolutionDueAt is { } due
        ? $"Under the city's service level this request is expected to be resolved by {Open311Document.FormatTime(due)}."
        : null;

    /// <summary>The request a token stands for (null id while it is still being created); null for an unknown token.</summary>
    public async Task<Open311Receipt?> TokenAsync(string token, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Open311Submissions.AsNoTracking().Where(s => s.Token == token)
            .Select(s => new Open311Receipt(s.RequestNumber, s.Token, null)).SingleOrDefaultAsync(ct);
    }

    public async Task<IReadOnlyList<Open311RequestRow>> RequestsAsync(Open311Query query, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var q = db.Requests.AsNoTracking();
        if (query.Ids.Count > 0)
        {
            var ids = query.Ids.Select(i => i.Trim().ToUpperInvariant()).ToList();
            q = q.Where(r => ids.Contains(r.Number));
        }
        else
        {
            if (query.ServiceCodes.Count > 0) q = q.Where(r => query.ServiceCodes.Contains(r.Category!.ServiceCode));
            if (query.Open is true) q = q.Where(r => RequestStatusExtensions.OpenStatuses.Contains(r.Status));
            if (query.Open is false) q = q.Where(r => !RequestStatusExtensions.OpenStatuses.Contains(r.Status));
            var (start, end) = Window(query.Start, query.End);
            if (start is { } s) q = q.Where(r => r.CreatedAt >= s);
            if (end is { } e) q = q.Where(r => r.CreatedAt <= e);
        }
        var pageSize = Math.Clamp(query.PageSize, 1, MaxPageSize);
        var rows = await q.OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id)
            .Skip((Math.Max(1, query.Page) - 1) * pageSize).Take(pageSize)
            .Select(r => new
            {
                r.Number, r.Status, r.ResolutionNote, r.CloseReason, ServiceName = r.Category!.Name, r.Category.ServiceCode, r.Description,
                Agency = db.Teams.Where(t => t.Id == (r.AssignedTeamId ?? r.Category.DefaultTeamId)).Select(t => t.Name).FirstOrDefault(),
                r.CreatedAt, r.UpdatedAt, r.ResolutionDueAt, r.Address, r.Latitude, r.Longitude,
                Media = db.Open311Submissions.Where(s => s.RequestNumber == r.Number).Select(s => s.MediaUrl).FirstOrDefault(),
            })
            .ToListAsync(ct);
        return rows.Select(r => new Open311RequestRow(r.Number, r.Status.IsOpen(), StatusNotes(r.Status, r.ResolutionNote, r.CloseReason),
            r.ServiceName, r.ServiceCode, r.Description, r.Agency, Notice(r.ResolutionDueAt), r.CreatedAt, r.UpdatedAt, r.ResolutionDueAt,
            r.Address, r.Latitude, r.Longitude, r.Media)).ToList();
    }

    /// <summary>FixMyStreet's servicerequestupdates: each status change, with its public description only.</summary>
    public async Task<IReadOnlyList<Open311UpdateRow>> UpdatesAsync(DateTime? start, DateTime? end, CancellationToken ct = default)
    {
        var (from, to) = Window(start, end);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var q = db.StatusChanges.AsNoTracking().Where(h => h.From != null);
        if (from is { } f) q = q.Where(h => h.At >= f);
        if (to is { } t) q = q.Where(h => h.At <= t);
        var rows = await q.OrderByDescending(h => h.At).ThenByDescending(h => h.Id).Take(MaxPageSize)
            .Select(h => new { h.Id, Number = db.Requests.Where(r => r.Id == h.ServiceRequestId).Select(r => r.Number).First(), h.To, h.Action, h.At, h.Note })
            .ToListAsync(ct);
        return rows.Select(h => new Open311UpdateRow(h.Id, h.Number, h.To.IsOpen(), h.At,
            RequestService.StatusTitle(h.To, h.Action) + (h.Action is nameof(WorkflowAction.Resolve) && h.Note is { Length: > 0 } ? ": " + h.Note : ""))).ToList();
    }

    /// <summary>The specification's default: the last 90 days when no dates are given; 90 days before an end date alone.</summary>
    private (DateTime? Start, DateTime? End) Window(DateTime? start, DateTime? end) => (start, end) switch
    {
        (null, null) => (clock.GetUtcNow().UtcDateTime - DefaultWindow, null),
        (null, { } e) => (e - DefaultWindow, e),
        _ => (start, end),
    };

    private static string? StatusNotes(RequestStatus status, string? resolutionNote, CloseReason? reason) => status switch
    {
        RequestStatus.Resolved or RequestStatus.Closed when resolutionNote is { Length: > 0 } => resolutionNote,
        RequestStatus.Closed when reason is CloseReason.Duplicate => "Closed as a duplicate of another request.",
        RequestStatus.Closed when reason is CloseReason.Invalid => "Closed: not a valid report.",
        RequestStatus.Closed when reason is CloseReason.NotOurResponsibility => "Closed: not the municipality's responsibility.",
        _ => null,
    };

    /// <summary>SHA-256 over the posted form (names and values, in order), to recognise a replay.</summary>
    public static string HashForm(IEnumerable<KeyValuePair<string, string>> fields)
    {
        var text = new StringBuilder();
        foreach (var (k, v) in fields.Where(f => f.Key != "api_key").OrderBy(f => f.Key, StringComparer.Ordinal))
            text.Append(k.Length).Append(':').Append(k).Append('=').Append(v.Length).Append(':').Append(v).Append('&');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
