using System.Security.Claims;
using CstPortal.Data;
using CstPortal.Features.Admin;
using Microsoft.AspNetCore.Identity;

namespace CstPortal.Components.Account;

/// <summary>Whether a signed-in principal still stands for a user who may use the app: the circuit's revalidation asks this.</summary>
public static class SessionValidity
{
    /// <summary>
    /// False when the user is gone, disabled by an administrator, or their security stamp changed since sign-in
    /// (password changed, signed out everywhere, disabled). A lockout after failed sign-ins does not end a session:
    /// else anyone who knows an address could throw its owner out by typing wrong passwords.
    /// </summary>
    public static async Task<bool> IsValidAsync(UserManager<ApplicationUser> users, ClaimsPrincipal principal, string securityStampClaimType)
    {
        var user = await users.GetUserAsync(principal);
        if (user is null) return false;
        if (users.SupportsUserLockout && AccountLock.IsDisabled(await users.GetLockoutEndDateAsync(user))) return false;
        if (!users.SupportsUserSecurityStamp) return true;
        return principal.FindFirstValue(securityStampClaimType) == await users.GetSecurityStampAsync(user);
    }
}
