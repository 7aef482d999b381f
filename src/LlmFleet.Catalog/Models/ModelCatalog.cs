using System.Reflection;
using System.Text.Json;

namespace LlmFleet.Catalog.Models;

/// <summary>The built-in models, read once from the JSON files embedded from <c>Data/Models/</c>.</summary>
public sealed class ModelCatalog
{
    private readonly Dictionary<string, CatalogEntry> _byId;

    private ModelCatalog(IEnumerable<CatalogEntry> entries) =>
        _byId = entries.ToDictionary(e => e.Id, StringComparer.OrdinalIgnoreCase);

    /// <summary>The catalog embedded in this assembly.</summary>
    public static ModelCatalog Default { get; } = LoadEmbedded();

    public IReadOnlyList<CatalogEntry> All => [.. _byId.Values.OrderBy(e => e.Id, StringComparer.Ordinal)];

    public bool TryGet(string id, out CatalogEntry entry) => _byId.TryGetValue(id, out entry!);

    /// <exception cref="CatalogException">No model with that id; the message lists the known ids.</exception>
    public CatalogEntry Get(string id) =>
        TryGet(id, out var e)
            ? e
            : throw new CatalogException($"unknown model '{id}'. Known models: {string.Join(", ", All.Select(x => x.Id))}; or give a path to a config.json");

    private static ModelCatalog LoadEmbedded()
    {
        var asm = typeof(ModelCatalog).Assembly;
        var entries = asm.GetManifestResourceNames()
            .Where(n => n.StartsWith("LlmFleet.Catalog.Data.Models.", StringComparison.Ordinal) && n.EndsWith(".json", StringComparison.Ordinal))
            .Select(n => ParseEntry(ReadResource(asm, n), n));
        return new ModelCatalog(entries);
    }

    internal static CatalogEntry ParseEntry(string json, string origin)
    {
        using var doc = JsonDocument.Parse(json);
        var r = doc.RootElement;
        string Str(string name) => r.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.String
            ? v.GetString()!
            : throw new InvalidDataException($"{origin}: missing string '{name}'");
        PublishedFigures? published = null;
        if (r.TryGetProperty("published", out var p) && p.ValueKind is JsonValueKind.Object)
        {
            published = new PublishedFigures(
                (long)p.GetProperty("total_params").GetDouble(),
                (long)p.GetProperty("active_params").GetDouble(),
                p.TryGetProperty("source", out var s) ? s.GetString() ?? "" : "",
                p.TryGetProperty("active_excludes", out var ex) ? [.. ex.EnumerateArray().Select(x => TensorClassNames.Parse(x.GetString()!))] : [],
                p.TryGetProperty("total_rounding_params", out var rounding) ? (long)rounding.GetDouble() : 0);
        }
        return new CatalogEntry(
            Str("id"), Str("name"), Str("hf_repo"), Str("source"), published,
            r.TryGetProperty("notes", out var notes) ? notes.GetString() : null,
            r.GetProperty("config").GetRawText());
    }

    private static string ReadResource(Assembly asm, string name)
    {
        using var stream = asm.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
