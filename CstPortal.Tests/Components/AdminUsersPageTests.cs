using System.Security.Claims;
using Bunit;
using CstPortal.Common;
using CstPortal.Data.DemoCity;
using CstPortal.Features.Admin;
using CstPortal.Features.Admin.Pages;
using CstPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CstPortal.Tests.Components;

/// <summary>The admin's users page on a real test city: each account's state in words, and Disable / Enable.</summary>
public class AdminUsersPageTests : BunitTestBase, IAsyncLifetime
{
    private TestCity _city = default!;

    async Task IAsyncLifetime.InitializeAsync()
    {
        _city = await TestCity.CreateAsync();
        Services.AddSingleton(_city.Get<AdminService>());
        var admin = await _city.ActorAsync(Roles.Admin);
        AddAuthorization().SetAuthorized("Ali Admin").SetRoles(Roles.Admin).SetClaims(new Claim(ClaimTypes.NameIdentifier, admin.UserId!));
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        await _city.DisposeAsync();
    }

    [Fact]
    public async Task An_admin_disables_a_user_sees_it_said_and_enables_them_again_but_has_no_button_for_themselves()
    {
        var dispatcher = $"dispatcher@{DemoCityPlan.EmailDomain}";
        var cut = Render<AdminUsers>();
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll($"button[aria-label='Disable {dispatcher}']")));
        Assert.Empty(cut.FindAll($"button[aria-label='Disable admin@{DemoCityPlan.EmailDomain}']"));

        await cut.InvokeAsync(() => cut.Find($"button[aria-label='Disable {dispatcher}']").Click());

        cut.WaitForAssertion(() => Assert.Contains($"{dispatcher} is disabled: they cannot sign in", cut.Find("[role=alert]").TextContent));
        Assert.Contains("Disabled", cut.Find($"button[aria-label='Enable {dispatcher}']").ParentElement!.TextContent);
        Assert.True((await _city.Get<AdminService>().UsersAsync(dispatcher)).Single().IsDisabled);

        await cut.InvokeAsync(() => cut.Find($"button[aria-label='Enable {dispatcher}']").Click());

        cut.WaitForAssertion(() => Assert.Contains($"{dispatcher} is enabled again and can sign in.", cut.Find("[role=alert]").TextContent));
        Assert.Contains("Active", cut.Find($"button[aria-label='Disable {dispatcher}']").ParentElement!.TextContent);
    }
}
