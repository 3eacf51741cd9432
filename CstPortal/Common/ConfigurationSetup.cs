using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;

namespace CstPortal.Common;

public static class ConfigurationSetup
{
    /// <summary>
    /// The app reads one appsettings.json, kept at the repository root and linked into the build output.
    /// It goes first among the sources so environment variables (Cst__DataDirectory=...) and the
    /// command line still override it.
    /// </summary>
    public static void UseRootAppSettings(this WebApplicationBuilder builder)
    {
        var sources = ((IConfigurationBuilder)builder.Configuration).Sources;
        sources.Insert(0, new JsonConfigurationSource
        {
            FileProvider = new PhysicalFileProvider(AppContext.BaseDirectory),
            Path = "appsettings.json",
            Optional = false,
            ReloadOnChange = false,
        });
    }
}
