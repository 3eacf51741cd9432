using Microsoft.AspNetCore.Hosting;

namespace CstPortal.Tests.Infrastructure;

/// <summary>The app for API tests: a budget per key high enough that only the rate-limit tests meet it.</summary>
public class ApiAppFactory : CstAppFactory
{
    protected virtual int PermitsPerMinute => 100_000;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Cst:Open311:PermitsPerMinute", PermitsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}

/// <summary>The app with a budget of three calls a minute per key (or per client without a key).</summary>
public sealed class TightRateLimitAppFactory : ApiAppFactory
{
    protected override int PermitsPerMinute => 3;
}
