using CstPortal.Data;
using Microsoft.AspNetCore.Hosting;

namespace CstPortal.Tests.Infrastructure;

/// <summary>
/// The whole app, as Program.cs builds it, configured for PostgreSQL (Cst:Database:Provider) on a database of its own:
/// a copy of the PostgreSQL test city (<see cref="TestCity"/>), dropped again on dispose.
/// </summary>
public sealed class PostgresAppFactory : CstAppFactory
{
    private TestCity? _city;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        _city = TestCity.CreateAsync(DatabaseProvider.PostgreSQL).GetAwaiter().GetResult();
        builder.UseSetting("Cst:Database:Provider", "PostgreSQL");
        builder.UseSetting("Cst:Database:ConnectionString", _city.Database.ConnectionString);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_city is not null) await _city.DisposeAsync();
    }
}
