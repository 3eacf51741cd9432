using System.Security.Claims;
using System.Text.Encodings.Web;
using CstPortal.Features.ApiKeys;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace CstPortal.Features.Integration;

/// <summary>
/// "Authorization: Bearer KEY" for the REST API: a key that is not revoked and carries a role becomes a
/// principal with that role (and the user it acts for, when it has one). Failures answer as problem details.
/// </summary>
public sealed class ApiTokenAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyService keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiToken";
    public const string KeyIdClaim = "cst_api_key";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.FirstOrDefault();
        if (header is null || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return AuthenticateResult.NoResult();
        var caller = await keys.CheckAsync(header["Bearer ".Length..].Trim(), Context.RequestAborted);
        // API texts stay in English: they are the REST API's contract with integrators, not page text.
        if (caller?.Role is null) return AuthenticateResult.Fail("The token is not valid for the REST API.");
        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, $"{caller.Name} (API)"), new("display_name", $"{caller.Name} (API)"),
            new(ClaimTypes.Role, caller.Role), new(KeyIdClaim, caller.KeyId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };
        if (caller.UserId is not null) claims.Add(new Claim(ClaimTypes.NameIdentifier, caller.UserId));
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        Problem(StatusCodes.Status401Unauthorized, "A valid API token is required",
            "Send 'Authorization: Bearer <key>' with a key an administrator created with a role.");

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Problem(StatusCodes.Status403Forbidden, "This token's role may not do this", "Ask an administrator for a key with a role that may.");

    private async Task Problem(int status, string title, string detail)
    {
        if (status == StatusCodes.Status401Unauthorized) Response.Headers.WWWAuthenticate = "Bearer";
        await Results.Problem(statusCode: status, title: title, detail: detail).ExecuteAsync(Context);
    }
}
