using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Options;

namespace CstPortal.Common;

/// <summary>Stores the data-protection keys under the data directory (read when first needed, so test hosts can move it).</summary>
public sealed class DataProtectionKeysInDataDirectory(IOptions<CstOptions> options, IWebHostEnvironment env, ILoggerFactory loggers)
    : IConfigureOptions<KeyManagementOptions>
{
    public void Configure(KeyManagementOptions o)
    {
        var dir = Path.Combine(options.Value.ResolveDataDirectory(env.ContentRootPath), "keys");
        Directory.CreateDirectory(dir);
        o.XmlRepository = new FileSystemXmlRepository(new DirectoryInfo(dir), loggers);
    }
}
