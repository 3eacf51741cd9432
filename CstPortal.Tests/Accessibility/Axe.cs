using System.Text;
using System.Text.Json;
using Microsoft.Playwright;

namespace CstPortal.Tests.Accessibility;

/// <summary>
/// axe-core (npm, a dev dependency of wwwroot-assets; never served by the app) run inside a Playwright page.
/// Only serious and critical violations of WCAG 2.0, 2.1 and 2.2 level A and AA count.
/// </summary>
public static class Axe
{
    public static readonly string[] WcagTags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"];

    private static readonly Lazy<string> Source = new(() => File.ReadAllText(ScriptPath()));

    /// <summary>wwwroot-assets/node_modules/axe-core/axe.min.js, found upwards from the test binaries.</summary>
    private static string ScriptPath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "wwwroot-assets", "node_modules", "axe-core", "axe.min.js");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException("axe-core is missing: run npm ci in wwwroot-assets (the app's build does it).");
    }

    /// <summary>Makes axe available in every page of the context (an init script: the app's CSP does not apply to it).</summary>
    public static Task InjectAsync(IBrowserContext context) => context.AddInitScriptAsync(Source.Value);

    public sealed record Violation(string Id, string Impact, string Help, IReadOnlyList<string> Targets);

    /// <summary>Runs axe on the whole document and returns the serious and critical WCAG A/AA violations.</summary>
    public static async Task<IReadOnlyList<Violation>> SeriousViolationsAsync(IPage page)
    {
        if (!await page.EvaluateAsync<bool>("() => typeof window.axe !== 'undefined'"))
            await page.EvaluateAsync(Source.Value);
        var json = await page.EvaluateAsync<string>(
            """
            async (tags) => {
              const result = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
              return JSON.stringify(result.violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map(n => n.target.join(' ')) })));
            }
            """, WcagTags);
        return JsonSerializer.Deserialize<List<Violation>>(json, new JsonSerializerOptions(JsonSerializerDefaults.Web)) ?? [];
    }

    /// <summary>One readable line per violation: where, rule id, impact, what it means and the offending elements.</summary>
    public static string Describe(string where, IEnumerable<Violation> violations)
    {
        var text = new StringBuilder();
        foreach (var v in violations)
            text.Append(where).Append(": ").Append(v.Id).Append(" (").Append(v.Impact).Append(") ").Append(v.Help)
                .Append(" -> ").AppendJoin(" | ", v.Targets.Take(8)).Append(v.Targets.Count > 8 ? $" | … {v.Targets.Count - 8} more" : "").AppendLine();
        return text.ToString();
    }
}
