using System.Collections.Concurrent;
using System.Xml.Linq;
using CstPortal.Tests.Common;
using NJsonSchema;

namespace CstPortal.Tests.Features.Open311;

/// <summary>The project's published Open311 JSON Schemas (../shared/open311/schema beside the repository) and XML checks.</summary>
public static class Open311Schemas
{
    private static readonly ConcurrentDictionary<string, Lazy<Task<JsonSchema>>> Cache = new();

    public static string Folder => Path.GetFullPath(Path.Combine(ResourceTests.RepositoryRoot(), "..", "shared", "open311", "schema"));

    public static Task<JsonSchema> LoadAsync(string file) =>
        Cache.GetOrAdd(file, f => new Lazy<Task<JsonSchema>>(() => JsonSchema.FromFileAsync(Path.Combine(Folder, f)))).Value;

    /// <summary>Validates a JSON text against one of the schema files and fails with every error it finds.</summary>
    public static async Task AssertValidAsync(string json, string schemaFile)
    {
        var schema = await LoadAsync(schemaFile);
        var errors = schema.Validate(json);
        Assert.True(errors.Count == 0, $"{schemaFile}: " + string.Join("; ", errors.Select(e => $"{e.Path}: {e.Kind}")) + "\n" + json[..Math.Min(json.Length, 500)]);
    }

    /// <summary>The XML's root and item element names, and that every item has exactly the given child elements.</summary>
    public static XDocument AssertXml(string xml, string root, string item, params string[] children)
    {
        var doc = XDocument.Parse(xml);
        Assert.Equal(root, doc.Root!.Name.LocalName);
        var items = doc.Root.Elements().ToList();
        Assert.All(items, i =>
        {
            Assert.Equal(item, i.Name.LocalName);
            foreach (var c in children) Assert.NotNull(i.Element(c));
        });
        return doc;
    }
}
