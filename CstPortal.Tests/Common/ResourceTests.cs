using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;

namespace CstPortal.Tests.Common;

/// <summary>User-facing text goes through the localizer, and every text it is asked for has a resource.</summary>
public partial class ResourceTests
{
    [Fact]
    public void Every_literal_text_a_page_asks_the_localizer_for_is_in_the_english_resources()
    {
        var root = RepositoryRoot();
        var keys = XDocument.Load(Path.Combine(root, "CstPortal", "Resources", "SharedResource.resx"))
            .Root!.Elements("data").Select(d => (string)d.Attribute("name")!).ToHashSet();
        var used = Directory.EnumerateFiles(Path.Combine(root, "CstPortal"), "*.razor", SearchOption.AllDirectories)
            .SelectMany(f => LocalizedLiteral().Matches(File.ReadAllText(f)).Select(m => (File: Path.GetFileName(f), Key: m.Groups[1].Value)))
            .ToList();

        Assert.NotEmpty(used);
        var missing = used.Where(u => !keys.Contains(u.Key)).Select(u => $"{u.File}: {u.Key}").Distinct().ToList();
        Assert.True(missing.Count == 0, "Missing from SharedResource.resx:\n" + string.Join("\n", missing));
    }

    [Fact]
    public void The_localizer_reads_the_resource_file_of_the_app()
    {
        using var services = new ServiceCollection().AddLogging().AddLocalization(o => o.ResourcesPath = "Resources").BuildServiceProvider();
        var localizer = services.GetRequiredService<IStringLocalizer<SharedResource>>();

        var text = localizer["NotOurResponsibility"];

        Assert.False(text.ResourceNotFound);
        Assert.Equal("Not the municipality's responsibility", text.Value);
    }

    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CstPortal.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("CstPortal.sln not found above the test output");
    }

    [GeneratedRegex("""L\["((?:[^"\\]|\\.)+)"\]""")]
    private static partial Regex LocalizedLiteral();
}
