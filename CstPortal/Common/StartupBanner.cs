using CstPortal.Data.DemoCity;
using Microsoft.Extensions.Options;

namespace CstPortal.Common;

/// <summary>Tells whoever started the app where to open it and, for the demo city, how to sign in.</summary>
public static class StartupBanner
{
    public static void Print(WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<CstOptions>>().Value;
        var lines = new List<string> { "", "CstPortal is running. Open:" };
        lines.AddRange(app.Urls.Select(u => "  " + u));
        lines.Add($"Data directory: {options.ResolveDataDirectory(app.Environment.ContentRootPath)}");
        if (options.SeedDemoCity)
        {
            lines.Add($"Demo logins (password for all: {DemoCityPlan.DemoPassword}):");
            lines.AddRange(DemoCityPlan.Users.Select(u => $"  {u.Email,-32} {u.Role}"));
        }
        lines.Add("Press Ctrl+C to stop.");
        Console.WriteLine(string.Join(Environment.NewLine, lines));
    }
}
