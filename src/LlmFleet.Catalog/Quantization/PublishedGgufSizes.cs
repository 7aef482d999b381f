using System.Text.Json;
using LlmFleet.Catalog.Models;

namespace LlmFleet.Catalog.Quantization;

/// <summary>The total size of one published GGUF file (all shards), as its publisher lists it.</summary>
/// <param name="ModelId">Catalog id of the model whose architecture the file holds.</param>
/// <param name="Checkpoint">The Hugging Face repository the file was quantized from; the size applies only to a catalog
/// model with this <c>hf_repo</c>.</param>
/// <param name="QuantizationId">The planner's format id, e.g. <c>gguf:UD-IQ2_M</c>.</param>
/// <param name="Bytes">Total bytes, converted exactly from the unit the source states.</param>
/// <param name="Repository">Where the file lives, e.g. <c>unsloth/GLM-5.2-GGUF</c>.</param>
/// <param name="Stated">The figure as the source writes it, and how its unit was read.</param>
/// <param name="Source">The address the figure was read from.</param>
/// <param name="Quote">The source's words.</param>
/// <param name="Date">When the source published the figure, as far as it says.</param>
/// <param name="Note">Anything else a reader needs, or null.</param>
public sealed record PublishedGgufSize(
    string ModelId,
    string Checkpoint,
    string QuantizationId,
    long Bytes,
    string Repository,
    string Stated,
    string Source,
    string Quote,
    string Date,
    string? Note);

/// <summary>Names of where a weight size comes from, as plans and <c>llmfleet quants</c> report it.</summary>
public static class WeightSizeSources
{
    /// <summary>The size of a published file (<see cref="PublishedGgufSizes"/>).</summary>
    public const string Published = "published";

    /// <summary>Computed from the parameter counts and the format's bits per tensor class.</summary>
    public const string Estimate = "estimate";
}

/// <summary>
/// Published GGUF file sizes, read once from <c>Data/Quantizations/published-gguf-sizes.json</c>. Where one exists for a
/// model and format it wins over the per-class recipe: dynamic mixes are per-model recipes their makers do not publish.
/// </summary>
public sealed class PublishedGgufSizes
{
    private const string Resource = "LlmFleet.Catalog.Data.Quantizations.published-gguf-sizes.json";

    private PublishedGgufSizes(string about, IReadOnlyList<PublishedGgufSize> all)
    {
        About = about;
        All = all;
    }

    public static PublishedGgufSizes Default { get; } = Parse(ReadEmbedded());

    /// <summary>The data file's statement of what wins and why.</summary>
    public string About { get; }

    /// <summary>Every entry, those for sibling checkpoints included, in file order.</summary>
    public IReadOnlyList<PublishedGgufSize> All { get; }

    /// <summary>The published size of <paramref name="model"/> in <paramref name="quantizationId"/>: only for a built-in
    /// model, and only from a file made from that model's own checkpoint.</summary>
    public bool TryGet(ModelSource model, string quantizationId, out PublishedGgufSize size)
    {
        size = null!;
        if (model.Entry is not { } entry)
        {
            return false;
        }
        var match = All.FirstOrDefault(s =>
            string.Equals(s.ModelId, entry.Id, StringComparison.OrdinalIgnoreCase)
            && string.Equals(s.Checkpoint, entry.HfRepo, StringComparison.OrdinalIgnoreCase)
            && string.Equals(s.QuantizationId, quantizationId, StringComparison.OrdinalIgnoreCase));
        if (match is null)
        {
            return false;
        }
        size = match;
        return true;
    }

    internal static PublishedGgufSizes Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        var sizes = new List<PublishedGgufSize>();
        var seen = new HashSet<(string, string, string)>();
        foreach (var s in root.GetProperty("sizes").EnumerateArray())
        {
            var size = new PublishedGgufSize(
                Text(s, "model"),
                Text(s, "checkpoint"),
                Text(s, "quant"),
                s.GetProperty("bytes").GetInt64(),
                Text(s, "repository"),
                Text(s, "stated"),
                Text(s, "source"),
                Text(s, "quote"),
                Text(s, "date"),
                s.TryGetProperty("note", out var note) ? note.GetString() : null);
            var where = $"published-gguf-sizes.json: {size.ModelId} {size.QuantizationId} ({size.Checkpoint})";
            if (!size.QuantizationId.StartsWith("gguf:", StringComparison.Ordinal))
            {
                throw new InvalidDataException($"{where}: only GGUF formats have published file sizes");
            }
            if (size.Bytes <= 0)
            {
                throw new InvalidDataException($"{where}: bytes must be positive");
            }
            if (!seen.Add((size.ModelId.ToLowerInvariant(), size.Checkpoint.ToLowerInvariant(), size.QuantizationId.ToLowerInvariant())))
            {
                throw new InvalidDataException($"{where}: listed twice");
            }
            sizes.Add(size);
        }
        return new PublishedGgufSizes(Text(root, "about"), sizes);
    }

    private static string Text(JsonElement e, string name) =>
        e.GetProperty(name).GetString() is { Length: > 0 } s ? s : throw new InvalidDataException($"published-gguf-sizes.json: empty '{name}'");

    private static string ReadEmbedded()
    {
        var asm = typeof(PublishedGgufSizes).Assembly;
        using var stream = asm.GetManifestResourceStream(Resource) ?? throw new InvalidDataException($"missing embedded resource {Resource}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
