using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace CstPortal.Tests.Infrastructure;

/// <summary>
/// The whole app, as Program.cs builds it, on a data directory of its own with a small demo city.
/// In-memory for HTTP tests; <see cref="StartOnLoopback"/> puts it on real Kestrel for the browser.
/// </summary>
public class CstAppFactory : WebApplicationFactory<Program>
{
    public string DataDirectory { get; } = TestCity.NewTempDirectory();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("Cst:DataDirectory", DataDirectory);
        builder.UseSetting("Cst:DemoRequestCount", "600");
        builder.UseSetting("Cst:DemoSeed", "77");
    }

    /// <summary>Starts Kestrel on 127.0.0.1 with a free port and returns the base address.</summary>
    public string StartOnLoopback()
    {
        UseKestrel(o => o.Listen(System.Net.IPAddress.Loopback, 0));
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        return addresses.First().TrimEnd('/') + "/";
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(DataDirectory, recursive: true); }
        catch (IOException) { /* cleaned with the temp folder */ }
        GC.SuppressFinalize(this);
    }
}
