using System.Security.Claims;
using CstPortal.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace CstPortal.Common;

/// <summary>Adds the user's display name and chosen language to the sign-in cookie, so pages need no query for them.</summary>
public sealed class CstClaimsFactory(UserManager<ApplicationUser> users, RoleManager<IdentityRole> roles, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<ApplicationUser, IdentityRole>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(ApplicationUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim("display_name", string.IsNullOrWhiteSpace(user.DisplayName) ? user.UserName ?? "" : user.DisplayName));
        if (Cultures.IsSupported(user.PreferredCulture)) identity.AddClaim(new Claim(Cultures.ClaimType, user.PreferredCulture!));
        return identity;
    }
}
