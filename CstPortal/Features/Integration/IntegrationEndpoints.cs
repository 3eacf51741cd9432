using System.Globalization;
using System.Security.Claims;
using CstPortal.Common;
using CstPortal.Features.Audit;
using CstPortal.Features.Requests;
using CstPortal.Features.Workflow;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace CstPortal.Features.Integration;

/// <summary>A request as an integration sees it: what staff work with, but never the reporter's name or email.</summary>
public sealed record ApiRequest(
    string Number, long Version, string Status, string Category, string CategoryGroup, string Priority, string Description,
    double Latitude, double Longitude, string? Address, string Zone, DateTime CreatedAt, DateTime? ResponseDueAt,
    DateTime? ResolutionDueAt, DateTime? AssignedAt, DateTime? ResolvedAt, string? Team, string? Agent, string? ResolutionNote,
    string? CloseReason, string? MasterNumber, IReadOnlyList<KeyValuePair<string, string>> Answers,
    IReadOnlyList<TimelineEntry> Timeline, IReadOnlyList<TimelineEntry> InternalNotes, IReadOnlyList<string> AvailableActions);

public sealed record ApiRequestRow(
    string Number, string Status, string Category, string Priority, string Zone, string? Address, DateTime CreatedAt,
    DateTime? ResponseDueAt, DateTime? ResolutionDueAt, DateTime? ResolvedAt, string? Assignee, double Latitude, double Longitude);

public sealed record ApiPage<T>(IReadOnlyList<T> Items, int Total, int Page, int PageSize);

/// <summary>A workflow action: the same names and rules as the staff pages (see the README's workflow table).</summary>
public sealed record TransitionBody(
    string Action, long? ExpectedVersion = null, int? CategoryId = null, string? Priority = null, int? TeamId = null, int? AgentId = null,
    string? Reason = null, string? ResolutionNote = null, string? CloseReason = null, string? MasterNumber = null,
    double? Latitude = null, double? Longitude = null);

/// <summary>A field milestone; "arrived" is the one recorded on its own (work started and resolved come with their actions).</summary>
public sealed record MilestoneBody(string Kind, long? ExpectedVersion = null, double? Latitude = null, double? Longitude = null);

/// <summary>A note: "internal" (staff only) or "public" (a reply the reporter sees).</summary>
public sealed record NoteBody(string Text, string Visibility = "internal");

/// <summary>The integration REST API at /api/v1/: the same services, rules and audit as the staff pages.</summary>
public static class IntegrationEndpoints
{
    public const string ReadPolicy = "api.read";
    public const string ActPolicy = "api.act";
    public const string AuditPolicy = "api.audit";

    public static void AddIntegrationPolicies(Microsoft.AspNetCore.Authorization.AuthorizationOptions o)
    {
        o.AddPolicy(ReadPolicy, p => p.AddAuthenticationSchemes(ApiTokenAuthentication.SchemeName).RequireRole(Roles.Staff.Split(',')));
        o.AddPolicy(ActPolicy, p => p.AddAuthenticationSchemes(ApiTokenAuthentication.SchemeName).RequireRole(Roles.Agent, Roles.Dispatcher, Roles.Supervisor));
        o.AddPolicy(AuditPolicy, p => p.AddAuthenticationSchemes(ApiTokenAuthentication.SchemeName).RequireRole(Roles.Supervisor, Roles.Manager, Roles.Admin));
    }

    public static IEndpointRouteBuilder MapIntegrationApi(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/api/v1").WithTags("Integration REST API").DisableAntiforgery()
            .AddEndpointFilter(RateLimit).ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        v1.MapGet("/requests", List).RequireAuthorization(ReadPolicy).WithSummary("List requests with filters and paging (newest first)");
        v1.MapGet("/requests/{number}", Get).RequireAuthorization(ReadPolicy).WithSummary("One request; its version is also the ETag")
            .ProducesProblem(StatusCodes.Status404NotFound);
        v1.MapPost("/requests/{number}/transitions", Transition).RequireAuthorization(ActPolicy)
            .WithSummary("Apply a workflow action (expected version in the body or If-Match)")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status428PreconditionRequired).ProducesValidationProblem();
        v1.MapPost("/requests/{number}/milestones", Milestone).RequireAuthorization(ActPolicy)
            .WithSummary("Record a field milestone (arrived on site)")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity).ProducesValidationProblem();
        v1.MapPost("/requests/{number}/notes", Note).RequireAuthorization(ActPolicy)
            .WithSummary("Add an internal note or a public reply")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity).ProducesValidationProblem();
        v1.MapGet("/requests/{number}/audit", AuditTrail).RequireAuthorization(AuditPolicy)
            .WithSummary("The audit trail of a request (newest first)");
        return app;
    }

    private static async ValueTask<object?> RateLimit(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        // Authorization ran first, so the caller is a valid token: its own budget.
        var keyId = int.TryParse(http.User.FindFirstValue(ApiTokenAuthentication.KeyIdClaim), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : (int?)null;
        if (!http.RequestServices.GetRequiredService<ApiKeys.ApiRateLimiter>().TryAcquire(ApiKeys.ApiRateLimiter.PartitionFor(keyId, http)))
        {
            http.Response.Headers.RetryAfter = "60";
            return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests",
                detail: "This token used its budget for this minute. Wait and try again.");
        }
        return await next(context);
    }

    private static async Task<Results<Ok<ApiPage<ApiRequestRow>>, ValidationProblem>> List(RequestService requests, ClaimsPrincipal user, CancellationToken ct,
        string? status = null, bool openOnly = false, int? categoryId = null, int? zoneId = null, string? search = null, int page = 1, int pageSize = 25)
    {
        RequestStatus? parsed = null;
        if (!string.IsNullOrWhiteSpace(status))
        {
            parsed = Enum.GetValues<RequestStatus>().Cast<RequestStatus?>().FirstOrDefault(s => s!.Value.Code() == status.Trim().ToLowerInvariant());
            if (parsed is null) return TypedResults.ValidationProblem(Errors("status", "Use one of: " + string.Join(", ", Enum.GetValues<RequestStatus>().Select(s => s.Code())) + "."));
        }
        if (page < 1) return TypedResults.ValidationProblem(Errors("page", "page starts at 1."));
        if (pageSize is < 1 or > 200) return TypedResults.ValidationProblem(Errors("pageSize", "pageSize is 1 to 200."));
        // As in the UI: office roles list every request; an agent's token lists the work assigned to the agent it acts for.
        var actor = Actor.FromPrincipal(user);
        int? agentId = null;
        if (!Roles.Office.Split(',').Any(actor.IsIn))
        {
            agentId = await requests.AgentIdOfAsync(actor.UserId, ct);
            if (agentId is null) return TypedResults.Ok(new ApiPage<ApiRequestRow>([], 0, page, pageSize));
        }
        var result = await requests.ListAsync(new RequestFilter
        {
            Status = parsed, OpenOnly = openOnly, CategoryId = categoryId, ZoneId = zoneId, Search = search, Page = page, PageSize = pageSize,
            AssignedAgentId = agentId,
        }, ct);
        return TypedResults.Ok(new ApiPage<ApiRequestRow>(result.Items.Select(r => new ApiRequestRow(r.Number, r.Status.Code(), r.CategoryName,
            r.Priority.ToString(), r.ZoneName, r.Address, r.CreatedAt, r.ResponseDueAt, r.ResolutionDueAt, r.ResolvedAt, r.AssigneeName,
            r.Latitude, r.Longitude)).ToList(), result.Total, result.Page, result.PageSize));
    }

    private static async Task<Results<Ok<ApiRequest>, ProblemHttpResult>> Get(string number, ClaimsPrincipal user, HttpResponse response, RequestService requests, CancellationToken ct)
    {
        var details = await requests.GetAsync(number.Trim().ToUpperInvariant(), Actor.FromPrincipal(user), ct);
        if (!details.Succeeded) return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: details.Error);
        var r = details.Value!;
        response.Headers.ETag = $"\"{r.Version}\"";
        return TypedResults.Ok(new ApiRequest(r.Number, r.Version, r.Status.Code(), r.CategoryName, r.CategoryGroup, r.Priority.ToString(),
            r.Description, r.Latitude, r.Longitude, r.Address, r.ZoneName, r.CreatedAt, r.ResponseDueAt, r.ResolutionDueAt, r.AssignedAt,
            r.ResolvedAt, r.TeamName, r.AgentName, r.ResolutionNote, r.CloseReason?.ToString(), r.MasterNumber, r.Answers,
            // Who did what in the public timeline may be the reporter (a comment, a reopen): integrations get the what only.
            r.Timeline.Select(t => t with { Who = null }).ToList(),
            r.InternalNotes, r.AvailableActions.Select(a => a.ToString()).ToList()));
    }

    private static async Task<Results<NoContent, ProblemHttpResult, ValidationProblem>> Transition(
        string number, TransitionBody body, ClaimsPrincipal user, HttpRequest request, WorkflowService workflow, CancellationToken ct)
    {
        if (!Enum.TryParse<WorkflowAction>(body.Action, ignoreCase: true, out var action) || !Enum.IsDefined(action) || int.TryParse(body.Action, out _))
            return TypedResults.ValidationProblem(Errors("action", "Use one of: " + string.Join(", ", Enum.GetNames<WorkflowAction>()) + "."));
        Priority? priority = null;
        if (body.Priority is { Length: > 0 })
        {
            if (!Enum.TryParse<Priority>(body.Priority, true, out var p) || !Enum.IsDefined(p)) return TypedResults.ValidationProblem(Errors("priority", "Use P1, P2, P3 or P4."));
            priority = p;
        }
        CloseReason? reason = null;
        if (body.CloseReason is { Length: > 0 })
        {
            if (!Enum.TryParse<CloseReason>(body.CloseReason, true, out var c) || !Enum.IsDefined(c) || int.TryParse(body.CloseReason, out _))
                return TypedResults.ValidationProblem(Errors("closeReason", "Use one of: " + string.Join(", ", Enum.GetNames<CloseReason>()) + "."));
            reason = c;
        }
        var version = ExpectedVersion(request, body.ExpectedVersion, out var fromHeader);
        if (version.Problem is { } missing) return missing;
        var input = new TransitionInput(action)
        {
            CategoryId = body.CategoryId, Priority = priority, TeamId = body.TeamId, AgentId = body.AgentId, Reason = body.Reason,
            ResolutionNote = body.ResolutionNote, CloseReason = reason, MasterNumber = body.MasterNumber, Latitude = body.Latitude, Longitude = body.Longitude,
        };
        var outcome = await workflow.ApplyAsync(number.Trim().ToUpperInvariant(), version.Value, input, Actor.FromPrincipal(user), ct);
        return outcome.Succeeded ? TypedResults.NoContent() : Failure(outcome, fromHeader);
    }

    private static async Task<Results<NoContent, ProblemHttpResult, ValidationProblem>> Milestone(
        string number, MilestoneBody body, ClaimsPrincipal user, HttpRequest request, WorkflowService workflow, CancellationToken ct)
    {
        if (!string.Equals(body.Kind, "arrived", StringComparison.OrdinalIgnoreCase))
            return TypedResults.ValidationProblem(Errors("kind", "The milestone recorded on its own is \"arrived\"; work started and resolved come with the start and resolve actions."));
        var version = ExpectedVersion(request, body.ExpectedVersion, out var fromHeader);
        if (version.Problem is { } missing) return missing;
        var outcome = await workflow.RecordArrivalAsync(number.Trim().ToUpperInvariant(), version.Value, Actor.FromPrincipal(user), body.Latitude, body.Longitude, ct);
        return outcome.Succeeded ? TypedResults.NoContent() : Failure(outcome, fromHeader);
    }

    private static async Task<Results<NoContent, ProblemHttpResult, ValidationProblem>> Note(
        string number, NoteBody body, ClaimsPrincipal user, RequestService requests, CancellationToken ct)
    {
        var visibility = body.Visibility?.Trim().ToLowerInvariant();
        if (visibility is not ("internal" or "public")) return TypedResults.ValidationProblem(Errors("visibility", "Use internal or public."));
        var actor = Actor.FromPrincipal(user);
        var key = number.Trim().ToUpperInvariant();
        var outcome = visibility == "internal"
            ? await requests.AddInternalNoteAsync(key, body.Text ?? "", actor, ct)
            : await requests.CommentAsync(key, body.Text ?? "", actor, ct);
        return outcome.Succeeded ? TypedResults.NoContent() : Failure(outcome, false);
    }

    private static async Task<Ok<IReadOnlyList<AuditRow>>> AuditTrail(string number, AuditService audit, CancellationToken ct) =>
        TypedResults.Ok(await audit.RecentAsync(500, number.Trim().ToUpperInvariant(), ct));

    /// <summary>The version the caller saw: If-Match ("5" or W/"5") or expectedVersion in the body; one is required.</summary>
    private static (long Value, ProblemHttpResult? Problem) ExpectedVersion(HttpRequest request, long? fromBody, out bool fromHeader)
    {
        fromHeader = false;
        var ifMatch = request.Headers.IfMatch.FirstOrDefault();
        if (!string.IsNullOrWhiteSpace(ifMatch))
        {
            var text = ifMatch.Trim();
            if (text.StartsWith("W/", StringComparison.Ordinal)) text = text[2..];
            if (!long.TryParse(text.Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var v))
                return (0, TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad If-Match", detail: "If-Match must be the request's ETag, e.g. \"5\"."));
            fromHeader = true;
            return (v, null);
        }
        if (fromBody is { } b) return (b, null);
        return (0, TypedResults.Problem(statusCode: StatusCodes.Status428PreconditionRequired, title: "Version required",
            detail: "Send the version you saw (GET the request; its ETag) as If-Match or expectedVersion, so changes by others are not overwritten."));
    }

    /// <summary>The failure's kind decides the status; its message (in the caller's language) is only the detail.</summary>
    private static ProblemHttpResult Failure(Result outcome, bool fromHeader) => outcome.Failure switch
    {
        FailureKind.NotFound => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: outcome.Error),
        FailureKind.TooMany => TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many changes", detail: outcome.Error),
        FailureKind.Conflict => TypedResults.Problem(statusCode: fromHeader ? StatusCodes.Status412PreconditionFailed : StatusCodes.Status409Conflict,
            title: "The request changed", detail: "The request was changed since you read it. GET it again and retry with its new version."),
        _ => TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Not allowed by the workflow", detail: outcome.Error),
    };

    // Validation texts of the REST API stay in English: they are its contract with integrators, not page text.
    private static Dictionary<string, string[]> Errors(string field, string message) => new() { [field] = [message] };
}
