using CstPortal.Common;
using CstPortal.Features.ApiKeys;
using CstPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CstPortal.Tests.Features.ApiKeys;

public class ApiKeyServiceTests : IAsyncLifetime
{
    private TestCity _city = default!;
    private ApiKeyService _keys = default!;

    public async Task InitializeAsync()
    {
        _city = await TestCity.CreateAsync(this);
        _keys = _city.Get<ApiKeyService>();
    }

    public async Task DisposeAsync() => await _city.DisposeAsync();

    [Fact]
    public async Task The_demo_city_seeds_the_configured_open311_key()
    {
        var caller = await _keys.CheckAsync("riverton-demo-key");

        Assert.NotNull(caller);
        Assert.Null(caller.Role);
    }

    [Fact]
    public async Task A_key_is_stored_only_as_its_hash_shown_once_and_revocation_is_audited()
    {
        var admin = await _city.ActorAsync(Roles.Admin);

        var created = await _keys.CreateAsync("Work-order system", Roles.Dispatcher, null, admin);

        Assert.True(created.Succeeded, created.Error);
        var secret = created.Value!;
        await using (var db = _city.Db())
        {
            var stored = await db.ApiKeys.SingleAsync(k => k.Name == "Work-order system");
            Assert.Equal(ApiKey.Hash(secret), stored.KeyHash);
            Assert.DoesNotContain(secret, stored.KeyHash + stored.Prefix + stored.Name);
        }
        Assert.Equal(Roles.Dispatcher, (await _keys.CheckAsync(secret))!.Role);
        Assert.DoesNotContain(await _keys.ListAsync(), r => r.Prefix == secret);

        var row = (await _keys.ListAsync()).Single(r => r.Name == "Work-order system");
        Assert.True((await _keys.RevokeAsync(row.Id, admin)).Succeeded);
        Assert.False((await _keys.RevokeAsync(row.Id, admin)).Succeeded);
        Assert.Null(await _keys.CheckAsync(secret));

        await using var check = _city.Db();
        Assert.Equal(["apikey.create", "apikey.revoke"], await check.AuditEntries.Where(a => a.EntityType == "ApiKey" && a.EntityId == row.Id.ToString())
            .OrderBy(a => a.Sequence).Select(a => a.Action).ToListAsync());
    }

    [Theory]
    [InlineData("", null, null)]
    [InlineData("Citizen app", Roles.Citizen, null)]
    [InlineData("Field app", Roles.Agent, "nobody@nowhere.example")]
    public async Task Keys_need_a_name_an_offered_role_and_a_known_user(string name, string? role, string? email)
    {
        var result = await _keys.CreateAsync(name, role, email, Actor.System("test"));

        Assert.False(result.Succeeded);
        Assert.False(string.IsNullOrWhiteSpace(result.Error));
    }
}
