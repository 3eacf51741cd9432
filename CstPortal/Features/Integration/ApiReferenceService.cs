using Microsoft.AspNetCore.OpenApi;

namespace CstPortal.Features.Integration;

public sealed record ApiParameterDoc(string Name, string In, bool Required, string? Description);

public sealed record ApiOperationDoc(string Tag, string Method, string Path, string? Summary, string? Description,
    IReadOnlyList<ApiParameterDoc> Parameters, IReadOnlyList<string> RequestContentTypes, IReadOnlyList<string> Responses);

public sealed record ApiReferenceDoc(string Title, string? Description, string Version, IReadOnlyList<ApiOperationDoc> Operations);

/// <summary>Reads the app's own OpenAPI document (the one served at /openapi/v1.json) for the reference page.</summary>
public sealed class ApiReferenceService(IServiceProvider services)
{
    public async Task<ApiReferenceDoc> GetAsync(CancellationToken ct = default)
    {
        var provider = services.GetRequiredKeyedService<IOpenApiDocumentProvider>(ApiSetup.OpenApiDocument);
        var doc = await provider.GetOpenApiDocumentAsync(ct);
        var operations = new List<ApiOperationDoc>();
        foreach (var (path, item) in doc.Paths ?? [])
        {
            foreach (var (method, op) in item.Operations ?? [])
            {
                operations.Add(new ApiOperationDoc(
                    op.Tags?.FirstOrDefault()?.Name ?? "",
                    method.Method.ToUpperInvariant(), path, op.Summary, op.Description,
                    (op.Parameters ?? []).Select(p => new ApiParameterDoc(p.Name ?? "", p.In?.ToString().ToLowerInvariant() ?? "", p.Required, p.Description)).ToList(),
                    op.RequestBody?.Content?.Keys.ToList() ?? [],
                    (op.Responses ?? []).Select(r => $"{r.Key} {r.Value.Description}".Trim()).ToList()));
            }
        }
        return new ApiReferenceDoc(doc.Info?.Title ?? "", doc.Info?.Description, doc.Info?.Version ?? "", operations);
    }
}
