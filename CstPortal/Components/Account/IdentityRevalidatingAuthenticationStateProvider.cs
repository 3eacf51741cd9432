using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using CstPortal.Data;

namespace CstPortal.Components.Account;

// A server-side AuthenticationStateProvider that revalidates the connected user of an interactive circuit on the same
// interval as the sign-in cookie's security stamp (SecurityStampValidatorOptions.ValidationInterval, 1 minute, Program.cs):
// a disabled user, or one whose stamp changed, loses the open circuit within that interval (SessionValidity).
internal sealed class IdentityRevalidatingAuthenticationStateProvider(
        ILoggerFactory loggerFactory,
        IServiceScopeFactory scopeFactory,
        IOptions<IdentityOptions> options,
        IOptions<SecurityStampValidatorOptions> stampOptions)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => stampOptions.Value.ValidationInterval;

    protected override async Task<bool> ValidateAuthenticationStateAsync(
        AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        // Get the user manager from a new scope to ensure it fetches fresh data
        await using var scope = scopeFactory.CreateAsyncScope();
        var userManager = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        return await SessionValidity.IsValidAsync(userManager, authenticationState.User, options.Value.ClaimsIdentity.SecurityStampClaimType);
    }
}
