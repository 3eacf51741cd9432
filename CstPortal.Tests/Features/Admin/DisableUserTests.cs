using CstPortal.Common;
using CstPortal.Components.Account;
using CstPortal.Data;
using CstPortal.Features.Admin;
using CstPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CstPortal.Tests.Features.Admin;

/// <summary>Disabling a user who has left, and enabling them again: the service, on a real database.</summary>
public class DisableUserTests : IAsyncLifetime
{
    private TestCity _city = default!;
    private Actor _admin = default!;
    private Actor _dispatcher = default!;
    private AdminService Admin => _city.Get<AdminService>();

    public async Task InitializeAsync()
    {
        _city = await TestCity.CreateAsync(this);
        _admin = await _city.ActorAsync(Roles.Admin);
        _dispatcher = await _city.ActorAsync(Roles.Dispatcher);
    }

    public async Task DisposeAsync() => await _city.DisposeAsync();

    /// <summary>The user as the database has them now (a new scope: nothing cached).</summary>
    private async Task<(bool LockedOut, string Stamp, DateTimeOffset? LockoutEnd)> StateAsync(string userId)
    {
        await using var scope = _city.Scope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByIdAsync(userId) ?? throw new InvalidOperationException(userId);
        return (await users.IsLockedOutAsync(user), await users.GetSecurityStampAsync(user), user.LockoutEnd);
    }

    private async Task<int> AuditsAsync(string action)
    {
        await using var db = _city.Db();
        return await db.AuditEntries.CountAsync(e => e.Action == action);
    }

    [Fact]
    public async Task A_disabled_user_is_locked_out_with_a_new_security_stamp_and_enabling_lets_them_back()
    {
        var before = await StateAsync(_dispatcher.UserId!);
        Assert.False(before.LockedOut);

        var disabled = await Admin.DisableUserAsync(_dispatcher.UserId!, _admin);

        Assert.True(disabled.Succeeded, disabled.Error);
        var after = await StateAsync(_dispatcher.UserId!);
        Assert.True(after.LockedOut); // sign-in checks this before the password
        Assert.True(AccountLock.IsDisabled(after.LockoutEnd));
        Assert.NotEqual(before.Stamp, after.Stamp); // cookies and circuits signed in before are refused at their next check
        Assert.True((await Admin.UsersAsync(_dispatcher.Name)).Single().IsDisabled);
        Assert.Equal(1, await AuditsAsync("admin.user.disable"));

        var enabled = await Admin.EnableUserAsync(_dispatcher.UserId!, _admin);

        Assert.True(enabled.Succeeded, enabled.Error);
        var again = await StateAsync(_dispatcher.UserId!);
        Assert.False(again.LockedOut);
        Assert.Null(again.LockoutEnd);
        Assert.False((await Admin.UsersAsync(_dispatcher.Name)).Single().IsDisabled);
        Assert.Equal(1, await AuditsAsync("admin.user.enable"));
    }

    [Fact]
    public async Task An_administrator_cannot_disable_their_own_account()
    {
        var before = await StateAsync(_admin.UserId!);

        var result = await Admin.DisableUserAsync(_admin.UserId!, _admin);

        Assert.Equal("You cannot disable your own account.", result.Error);
        Assert.Equal(before, await StateAsync(_admin.UserId!));
        Assert.Equal(0, await AuditsAsync("admin.user.disable"));
    }

    [Fact]
    public async Task Only_an_administrator_can_disable_or_enable_a_user()
    {
        var agent = await _city.ActorAsync(Roles.Agent);
        var before = await StateAsync(agent.UserId!);

        var result = await Admin.DisableUserAsync(agent.UserId!, _dispatcher);

        Assert.Equal("Only an administrator can disable or enable a user.", result.Error);
        Assert.Equal(before, await StateAsync(agent.UserId!));
        Assert.True((await Admin.DisableUserAsync(agent.UserId!, _admin)).Succeeded);
        Assert.Equal("Only an administrator can disable or enable a user.", (await Admin.EnableUserAsync(agent.UserId!, _dispatcher)).Error);
        Assert.True((await StateAsync(agent.UserId!)).LockedOut);
    }

    [Fact]
    public async Task Disabling_twice_changes_nothing_the_second_time()
    {
        Assert.True((await Admin.DisableUserAsync(_dispatcher.UserId!, _admin)).Succeeded);
        var once = await StateAsync(_dispatcher.UserId!);

        Assert.True((await Admin.DisableUserAsync(_dispatcher.UserId!, _admin)).Succeeded); // another administrator was first

        Assert.Equal(once, await StateAsync(_dispatcher.UserId!));
        Assert.Equal(1, await AuditsAsync("admin.user.disable"));
    }

    /// <summary>What an open circuit's revalidation asks (IdentityRevalidatingAuthenticationStateProvider calls it).</summary>
    [Fact]
    public async Task A_circuit_session_ends_when_its_user_is_disabled_but_not_when_failed_sign_ins_lock_them()
    {
        await using var scope = _city.Scope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var stampClaim = new IdentityOptions().ClaimsIdentity.SecurityStampClaimType;
        var user = await users.FindByIdAsync(_dispatcher.UserId!);
        var principal = await scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<ApplicationUser>>().CreateAsync(user!);
        Assert.True(await SessionValidity.IsValidAsync(users, principal, stampClaim));

        // Someone typing wrong passwords for this address must not throw its owner out.
        await users.SetLockoutEndDateAsync(user!, _city.Clock.GetUtcNow().AddMinutes(15));
        Assert.True(await SessionValidity.IsValidAsync(users, principal, stampClaim));

        // Disabled with the stamp unchanged (as an older version or a hand edit would leave it): refused all the same.
        await users.SetLockoutEndDateAsync(user!, AccountLock.DisabledUntil);
        Assert.False(await SessionValidity.IsValidAsync(users, principal, stampClaim));

        // Disabled through the service, as the page does: refused (lockout and stamp both).
        await users.SetLockoutEndDateAsync(user!, null);
        Assert.True((await Admin.DisableUserAsync(_dispatcher.UserId!, _admin)).Succeeded);
        await using var fresh = _city.Scope();
        Assert.False(await SessionValidity.IsValidAsync(fresh.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>(), principal, stampClaim));
    }
}
