using CstPortal.Common;

namespace CstPortal.Tests.Security;

/// <summary>Who may reach a page or endpoint (the authorisation layer; object-level checks come after it).</summary>
public sealed record Access(string Description, bool Anonymous, IReadOnlySet<string> Allowed)
{
    /// <summary>Everyone, signed in or not.</summary>
    public static readonly Access Anyone = new("anyone", true, new HashSet<string>(global::CstPortal.Common.Roles.All));
    /// <summary>Any signed-in user, whatever the role.</summary>
    public static readonly Access SignedIn = new("signed in", false, new HashSet<string>(global::CstPortal.Common.Roles.All));
    /// <summary>Only a caller with an API key (Open311 api_key or a Bearer token): no browser identity gets through.</summary>
    public static readonly Access ApiKeyOnly = new("API key only", false, new HashSet<string>());

    public static Access Only(params string[] roles) => new(string.Join(",", roles), false, new HashSet<string>(roles));
    public static Access Only(string commaList) => Only(commaList.Split(','));

    public bool Allows(string? role) => role is null ? Anonymous : Allowed.Contains(role);
}

/// <summary>
/// THE authorisation matrix: every page route and every mapped endpoint, and who may reach it.
/// <see cref="AuthorizationMatrixTests"/> fails when a route of the app is missing here, when a row names a
/// route the app no longer has, and when any of the seven identities gets more (or less) than its row says.
/// A new page or endpoint must be declared here.
/// </summary>
public static class AccessMatrix
{
    public static readonly IReadOnlyDictionary<string, Access> Rows = new Dictionary<string, Access>(StringComparer.Ordinal)
    {
        // Public pages
        ["GET /"] = Access.Anyone,
        ["GET /Error"] = Access.Anyone,
        ["GET /not-found"] = Access.Anyone,
        ["GET /report"] = Access.Anyone,          // the form asks an anonymous visitor to sign in before it submits
        ["GET /track"] = Access.Anyone,           // tracking code lookup
        ["GET /map"] = Access.Anyone,
        ["GET /public/requests/{Number}"] = Access.Anyone,
        ["GET /developers/api"] = Access.Anyone,  // documents public APIs; the OpenAPI document is public too

        // Identity (template) pages: public ones and the signed-in "Manage" area
        ["GET /Account/AccessDenied"] = Access.Anyone,
        ["GET /Account/ConfirmEmail"] = Access.Anyone,
        ["GET /Account/ConfirmEmailChange"] = Access.Anyone,
        ["GET /Account/ExternalLogin"] = Access.Anyone,
        ["GET /Account/ForgotPassword"] = Access.Anyone,
        ["GET /Account/ForgotPasswordConfirmation"] = Access.Anyone,
        ["GET /Account/InvalidPasswordReset"] = Access.Anyone,
        ["GET /Account/InvalidUser"] = Access.Anyone,
        ["GET /Account/Lockout"] = Access.Anyone,
        ["GET /Account/Login"] = Access.Anyone,
        ["GET /Account/LoginWith2fa"] = Access.Anyone,
        ["GET /Account/LoginWithRecoveryCode"] = Access.Anyone,
        ["GET /Account/Register"] = Access.Anyone,
        ["GET /Account/RegisterConfirmation"] = Access.Anyone,
        ["GET /Account/ResendEmailConfirmation"] = Access.Anyone,
        ["GET /Account/ResetPassword"] = Access.Anyone,
        ["GET /Account/ResetPasswordConfirmation"] = Access.Anyone,
        ["GET /Account/Manage"] = Access.SignedIn,
        ["GET /Account/Manage/ChangePassword"] = Access.SignedIn,
        ["GET /Account/Manage/DeletePersonalData"] = Access.SignedIn,
        ["GET /Account/Manage/Disable2fa"] = Access.SignedIn,
        ["GET /Account/Manage/Email"] = Access.SignedIn,
        ["GET /Account/Manage/EnableAuthenticator"] = Access.SignedIn,
        ["GET /Account/Manage/ExternalLogins"] = Access.SignedIn,
        ["GET /Account/Manage/GenerateRecoveryCodes"] = Access.SignedIn,
        ["GET /Account/Manage/Passkeys"] = Access.SignedIn,
        ["GET /Account/Manage/PersonalData"] = Access.SignedIn,
        ["GET /Account/Manage/RenamePasskey/{Id}"] = Access.SignedIn,
        ["GET /Account/Manage/ResetAuthenticator"] = Access.SignedIn,
        ["GET /Account/Manage/SetPassword"] = Access.SignedIn,
        ["GET /Account/Manage/TwoFactorAuthentication"] = Access.SignedIn,
        ["POST /Account/PerformExternalLogin"] = Access.Anyone,
        ["POST /Account/Logout"] = Access.Anyone,
        ["POST /culture"] = Access.Anyone, // the language switch: sets the culture cookie (and a signed-in user's choice)
        ["POST /Account/PasskeyCreationOptions"] = Access.Anyone,
        ["POST /Account/PasskeyRequestOptions"] = Access.Anyone,
        ["POST /Account/Manage/LinkExternalLogin"] = Access.SignedIn,
        ["POST /Account/Manage/DownloadPersonalData"] = Access.SignedIn,

        // Citizens
        ["GET /my/requests"] = Access.Only(Roles.Citizen),
        ["GET /requests/{Number}"] = Access.SignedIn, // the page shows a citizen only their own requests (object level)
        ["GET /photos/{id:long}"] = Access.Anyone,    // each photo is checked for its viewer (404 otherwise)

        // Staff
        ["GET /agent/work"] = Access.Only(Roles.Agent),
        ["GET /staff/requests"] = Access.Only(Roles.Office),
        ["GET /staff/triage"] = Access.Only(Roles.Dispatcher, Roles.Supervisor),
        ["GET /supervisor/team"] = Access.Only(Roles.Supervisor, Roles.Manager),
        ["GET /staff/performance"] = Access.Only(Roles.Supervisor, Roles.Manager, Roles.Admin),
        ["GET /analytics/dashboard"] = Access.Only(Roles.Supervisor, Roles.Manager, Roles.Admin),
        ["GET /analytics/map"] = Access.Only(Roles.Supervisor, Roles.Manager, Roles.Admin),
        ["GET /api/analytics/requests.csv"] = Access.Only(Roles.Supervisor, Roles.Manager, Roles.Admin),
        ["GET /api/analytics/requests.xlsx"] = Access.Only(Roles.Supervisor, Roles.Manager, Roles.Admin),
        ["GET /api/analytics/sla-report.pdf"] = Access.Only(Roles.Supervisor, Roles.Manager, Roles.Admin),

        // Administration
        ["GET /admin/categories"] = Access.Only(Roles.Admin),
        ["GET /admin/teams"] = Access.Only(Roles.Admin),
        ["GET /admin/users"] = Access.Only(Roles.Admin),
        ["GET /admin/zones"] = Access.Only(Roles.Admin),
        ["GET /admin/addresses"] = Access.Only(Roles.Admin),
        ["GET /admin/api-keys"] = Access.Only(Roles.Admin),
        ["GET /admin/audit"] = Access.Only(Roles.Admin),
        ["GET /admin/sla"] = Access.Only(Roles.Admin),
        ["GET /admin/notifications"] = Access.Only(Roles.Admin),

        // GeoJSON feeds: public points without personal data (staff-only filters are checked inside)
        ["GET /api/geo/requests.geojson"] = Access.Anyone,
        ["GET /api/geo/zones.geojson"] = Access.Anyone,
        ["GET /api/geo/heat.json"] = Access.Anyone,

        // Open311 GeoReport v2: reading is public, creating needs an api_key
        ["GET /open311/v2/discovery.{format}"] = Access.Anyone,
        ["GET /open311/v2/services.{format}"] = Access.Anyone,
        ["GET /open311/v2/services/{service_code}.{format}"] = Access.Anyone,
        ["POST /open311/v2/requests.{format}"] = Access.ApiKeyOnly,
        ["GET /open311/v2/tokens/{token}.{format}"] = Access.Anyone,
        ["GET /open311/v2/requests.{format}"] = Access.Anyone,
        ["GET /open311/v2/requests/{service_request_id}.{format}"] = Access.Anyone,
        ["GET /open311/v2/servicerequestupdates.{format}"] = Access.Anyone,
        ["GET /open311/v2/{**rest}"] = Access.Anyone, // the Open311 404

        // Integration REST API: Bearer keys only; a browser's cookie is never enough
        ["GET /api/v1/requests"] = Access.ApiKeyOnly,
        ["GET /api/v1/requests/{number}"] = Access.ApiKeyOnly,
        ["POST /api/v1/requests/{number}/transitions"] = Access.ApiKeyOnly,
        ["POST /api/v1/requests/{number}/milestones"] = Access.ApiKeyOnly,
        ["POST /api/v1/requests/{number}/notes"] = Access.ApiKeyOnly,
        ["GET /api/v1/requests/{number}/audit"] = Access.ApiKeyOnly,
        ["GET /openapi/{documentName}.json"] = Access.Anyone,
        ["GET /healthz"] = Access.Anyone, // for the load balancer / monitoring; says up or down, no details

        // The static files of wwwroot (scripts, styles, map tiles' markers): public by nature; evidence is never here
        ["GET /{**path:file}"] = Access.Anyone,
        ["HEAD /{**path:file}"] = Access.Anyone,
    };
}
