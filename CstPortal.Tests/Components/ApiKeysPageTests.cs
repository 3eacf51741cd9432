using Bunit;
using CstPortal.Common;
using CstPortal.Features.ApiKeys;
using CstPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace CstPortal.Tests.Components;

/// <summary>The admin's API key page on a real test city: create shows the key once, revoke marks it.</summary>
public class ApiKeysPageTests : BunitTestBase, IAsyncLifetime
{
    private TestCity _city = default!;

    async Task IAsyncLifetime.InitializeAsync()
    {
        _city = await TestCity.CreateAsync();
        Services.AddSingleton(_city.Get<ApiKeyService>());
        AddAuthorization().SetAuthorized("Ali Admin").SetRoles(Roles.Admin);
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        await _city.DisposeAsync();
    }

    [Fact]
    public async Task An_admin_creates_a_key_sees_it_once_and_revokes_it()
    {
        Render<MudPopoverProvider>();
        var cut = Render<ApiKeysPage>();
        cut.WaitForAssertion(() => Assert.Contains("Riverton demo Open311 client", cut.Markup));

        cut.Find("input").Change("Street works contractor");
        await cut.InvokeAsync(() => cut.FindComponents<MudButton>().Single(b => b.Markup.Contains("Create key")).Find("button").Click());

        cut.WaitForAssertion(() => Assert.StartsWith("cst_", cut.Find("[data-testid=new-key]").TextContent));
        var key = cut.Find("[data-testid=new-key]").TextContent;
        Assert.NotNull(await _city.Get<ApiKeyService>().CheckAsync(key));
        Assert.Contains("Street works contractor", cut.Markup);

        var revoke = cut.FindComponents<MudButton>().Where(b => b.Markup.Contains("Revoke")).ToList();
        Assert.Equal(2, revoke.Count);
        await cut.InvokeAsync(() => revoke[^1].Find("button").Click());

        cut.WaitForAssertion(() => Assert.Contains("Revoked", cut.Markup));
        Assert.DoesNotContain("data-testid=\"new-key\"", cut.Markup);
    }
}
