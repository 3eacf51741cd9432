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
    public void Every_literal_text_code_asks_the_resources_for_is_in_the_english_resources()
    {
        var root = RepositoryRoot();
        var keys = Keys(Path.Combine(root, "CstPortal", "Resources", "SharedResource.resx"));
        var used = Directory.EnumerateFiles(Path.Combine(root, "CstPortal"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .SelectMany(f => TextsLiteral().Matches(File.ReadAllText(f)).Select(m => (File: Path.GetFileName(f), Key: m.Groups[1].Value.Replace("\\\"", "\""))))
            .ToList();

        Assert.NotEmpty(used);
        var missing = used.Where(u => !keys.Contains(u.Key)).Select(u => $"{u.File}: {u.Key}").Distinct().ToList();
        Assert.True(missing.Count == 0, "Missing from SharedResource.resx:\n" + string.Join("\n", missing));
    }

    [Fact]
    public void Every_language_has_exactly_the_keys_of_the_english_resources()
    {
        var resources = Path.Combine(RepositoryRoot(), "CstPortal", "Resources");
        var english = Keys(Path.Combine(resources, "SharedResource.resx"));
        var languages = Directory.GetFiles(resources, "SharedResource.*.resx");

        Assert.NotEmpty(languages); // Arabic at least
        foreach (var file in languages)
        {
            var keys = Keys(file);
            var untranslated = english.Except(keys).Order(StringComparer.Ordinal).ToList();
            var unknown = keys.Except(english).Order(StringComparer.Ordinal).ToList();
            Assert.True(untranslated.Count == 0 && unknown.Count == 0,
                $"{Path.GetFileName(file)}:\nmissing: {string.Join(" | ", untranslated)}\nnot in English: {string.Join(" | ", unknown)}");
            var blank = XDocument.Load(file).Root!.Elements("data").Where(d => string.IsNullOrWhiteSpace((string?)d.Element("value"))).Select(d => (string)d.Attribute("name")!).ToList();
            Assert.True(blank.Count == 0, $"{Path.GetFileName(file)} has empty texts: {string.Join(" | ", blank)}");
        }
    }

    [Fact]
    public void Placeholders_of_each_translation_are_those_of_the_english_text()
    {
        var resources = Path.Combine(RepositoryRoot(), "CstPortal", "Resources");
        var english = Values(Path.Combine(resources, "SharedResource.resx"));
        foreach (var file in Directory.GetFiles(resources, "SharedResource.*.resx"))
        {
            var wrong = Values(file).Where(t => english.TryGetValue(t.Key, out var en) && !Placeholders(en).SetEquals(Placeholders(t.Value)))
                .Select(t => t.Key).ToList();
            Assert.True(wrong.Count == 0, $"{Path.GetFileName(file)}: placeholders differ from English in: {string.Join(" | ", wrong)}");
        }
    }

    private static HashSet<string> Keys(string file) =>
        XDocument.Load(file).Root!.Elements("data").Select(d => (string)d.Attribute("name")!).ToHashSet(StringComparer.Ordinal);

    private static Dictionary<string, string> Values(string file) =>
        XDocument.Load(file).Root!.Elements("data").ToDictionary(d => (string)d.Attribute("name")!, d => (string?)d.Element("value") ?? "");

    private static HashSet<string> Placeholders(string text) => Placeholder().Matches(text).Select(m => m.Value).ToHashSet();

    [GeneratedRegex(@"\{[0-9a-z]+(:[^}]*)?\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"Texts\.(?:Get|In)\((?:[a-z]+, )?""((?:[^""\\]|\\.)*)""")]
    private static partial Regex TextsLiteral();

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
