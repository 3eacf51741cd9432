using CstPortal.Common;
using CstPortal.Data.DemoCity;
using CstPortal.Features.Addresses;
using CstPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CstPortal.Tests.Features.Addresses;

public class AddressRegisterTests : IAsyncLifetime
{
    private TestCity _city = default!;
    private AddressRegister Register => _city.Get<AddressRegister>();

    public async Task InitializeAsync() => _city = await TestCity.CreateAsync(this);
    public async Task DisposeAsync() => await _city.DisposeAsync();

    [Fact]
    public async Task The_demo_city_has_a_register_of_its_streets_and_its_requests_carry_their_nearest_address()
    {
        Assert.Equal(DemoCityPlan.Addresses().Count(), await Register.CountAsync());
        await using var db = _city.Db();
        var sample = await db.Requests.AsNoTracking().OrderBy(r => r.Id).Take(20).Select(r => new { r.Address, r.Latitude, r.Longitude }).ToListAsync();
        foreach (var r in sample)
        {
            var found = await Register.FindAsync(r.Address);
            Assert.NotNull(found);
            // The nearest address of a request lies on the street nearest it: within half a street spacing (~400 m).
            Assert.InRange(Math.Abs(found.Latitude - r.Latitude) + Math.Abs(found.Longitude - r.Longitude), 0, 0.02);
        }
    }

    [Fact]
    public async Task A_search_finds_addresses_by_their_words_in_any_order_those_starting_with_the_query_first()
    {
        var byNumberFirst = await Register.SearchAsync("12 elm ave");
        var byStreetFirst = await Register.SearchAsync("Elm 12");

        Assert.Equal("12 Elm Avenue", byNumberFirst[0].Text);
        Assert.All(byNumberFirst, m => Assert.Contains("Elm Avenue", m.Text));
        Assert.Contains(byStreetFirst, m => m.Text == "12 Elm Avenue");
        Assert.All(byStreetFirst, m => Assert.Contains("12", m.Text));
        Assert.Equal(AddressRegister.MaxMatches, (await Register.SearchAsync("elm")).Count);
        Assert.Empty(await Register.SearchAsync("12 Nowhere Boulevard"));
        Assert.Empty(await Register.SearchAsync("  "));
    }

    [Fact]
    public async Task An_import_replaces_the_register_and_is_audited()
    {
        var admin = await _city.ActorAsync(Roles.Admin);
        var audits = await _city.AuditCountAsync();
        var csv = "address,latitude,longitude\n1 Harbor Quay,40.010,-83.050\n2 Harbor Quay,40.011,-83.050\n";

        var result = await Register.ImportAsync(new StringReader(csv), admin);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(2, result.Value);
        Assert.Equal(2, await Register.CountAsync());
        Assert.Null(await Register.FindAsync("12 Elm Avenue"));
        Assert.Equal(new AddressMatch("2 Harbor Quay", 40.011, -83.050), await Register.FindAsync("2 harbor quay"));
        Assert.Equal(audits + 1, await _city.AuditCountAsync());
    }

    [Fact]
    public async Task A_file_with_a_point_outside_the_city_or_a_bad_line_changes_nothing()
    {
        var admin = await _city.ActorAsync(Roles.Admin);
        var before = await Register.CountAsync();
        var audits = await _city.AuditCountAsync();

        var result = await Register.ImportAsync(new StringReader(
            "address,latitude,longitude\n1 Harbor Quay,40.010,-83.050\n2 Harbor Quay,forty,-83.050\n9 Far Away,41.5,-83.0\n"), admin);

        Assert.False(result.Succeeded);
        Assert.Equal("Line 3: the latitude must be a number from -90 to 90. Line 4: the point is outside every zone of the city.", result.Error);
        Assert.Equal(before, await Register.CountAsync());
        Assert.Equal(audits, await _city.AuditCountAsync());
    }

    [Fact]
    public async Task Only_an_administrator_replaces_the_register()
    {
        var dispatcher = await _city.ActorAsync(Roles.Dispatcher);
        var before = await Register.CountAsync();

        var result = await Register.ImportAsync(new StringReader("address,latitude,longitude\n1 Harbor Quay,40.010,-83.050\n"), dispatcher);

        Assert.False(result.Succeeded);
        Assert.Equal(before, await Register.CountAsync());
    }

    [Fact]
    public async Task Many_problems_are_summed_up_after_the_first_ten()
    {
        var admin = await _city.ActorAsync(Roles.Admin);
        var lines = string.Join("\n", Enumerable.Range(1, 15).Select(i => $"{i} Harbor Quay,40.010,east"));

        var result = await Register.ImportAsync(new StringReader("address,latitude,longitude\n" + lines), admin);

        Assert.False(result.Succeeded);
        Assert.StartsWith("Line 2: the longitude must be", result.Error);
        Assert.EndsWith("And 5 more problems.", result.Error);
    }
}
