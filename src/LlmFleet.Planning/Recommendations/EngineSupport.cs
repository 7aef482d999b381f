using System.Globalization;
using System.Text.Json;
using LlmFleet.Catalog;
using LlmFleet.Catalog.Hardware;
using LlmFleet.Catalog.Models;
using LlmFleet.Catalog.Quantization;
using LlmFleet.Planning.Data;

namespace LlmFleet.Planning.Recommendations;

/// <summary>How an engine runs a feature on a GPU family, worst last: the order <see cref="EngineSupport.Check"/>
/// combines them in.</summary>
public enum SupportVerdict
{
    /// <summary>The engine has kernels for the feature on that family, at the format's own precision.</summary>
    Native,

    /// <summary>It runs through a substitute path (weight-only upcasting, a generic kernel, dense work for a sparse
    /// feature, an experimental loader); the note names it.</summary>
    Fallback,

    /// <summary>The table has no row for it: nothing was sourced either way.</summary>
    Unknown,

    /// <summary>The engine cannot run it on that family; the note says why.</summary>
    Unsupported,
}

/// <summary>A GPU family of the support table; <see cref="HardwareSpec.Family"/> names one.</summary>
/// <param name="Target">The kernel target engines build for it: <c>SM 9.0</c>, <c>gfx942</c>, <c>Metal</c>.</param>
public sealed record GpuFamily(string Id, string Name, string Target, string Members);

/// <summary>Something a model or a format needs from the engine: <c>runtime</c>, <c>mla</c>, <c>dsa</c>, or the
/// feature behind a set of formats (<c>fp8</c>, <c>int4</c> for AWQ and GPTQ, <c>gguf</c> for every <c>gguf:*</c>).</summary>
/// <param name="Formats">Format ids it covers; an id ending in <c>*</c> covers every id with that prefix.</param>
public sealed record SupportFeature(string Id, string Name, string Description, IReadOnlyList<string> Formats);

/// <summary>A public document, pull request or source file a row rests on.</summary>
public sealed record SupportSource(string Id, string Text);

/// <summary>One (feature, engine, family) cell of the table.</summary>
/// <param name="Note">What the engine really does (the kernels, the substitute path) or why it cannot.</param>
/// <param name="Checked">When the sources were read; null for a row made up for a missing cell or taken from the
/// quantization catalog.</param>
public sealed record SupportRow(
    string Feature,
    InferenceEngine Engine,
    string Family,
    SupportVerdict Verdict,
    string Note,
    IReadOnlyList<SupportSource> Sources,
    DateOnly? Checked);

/// <summary>The verdict for one model, format, GPU and engine.</summary>
/// <param name="Reason">One line: the verdict, where, and the notes of the rows that decided it.</param>
/// <param name="Rows">Every row consulted (runtime, attention, format), found or made up for a missing one.</param>
/// <param name="Sources">The distinct sources of those rows.</param>
public sealed record SupportCheck(SupportVerdict Verdict, string Reason, IReadOnlyList<SupportRow> Rows, IReadOnlyList<string> Sources);

/// <summary>
/// Which engine runs which feature natively, by a fallback, or not at all on each GPU family, read from the embedded
/// <c>Data/engine-support.json</c>: every row with its sources and the date they were checked (docs/planning.md,
/// "Engine support").
/// </summary>
public sealed class EngineSupport
{
    /// <summary>The feature every engine needs on a family before anything else.</summary>
    public const string Runtime = "runtime";

    /// <summary>Multi-head latent attention, for models with MLA and no indexer.</summary>
    public const string Mla = "mla";

    /// <summary>DeepSeek Sparse Attention (MLA with the lightning indexer); replaces <see cref="Mla"/> for such models.</summary>
    public const string Dsa = "dsa";

    private const string Resource = "engine-support.json";
    private readonly Dictionary<(string Feature, InferenceEngine Engine, string Family), SupportRow> _rows;

    private EngineSupport(IReadOnlyList<GpuFamily> families, IReadOnlyList<SupportFeature> features, IReadOnlyList<SupportRow> rows)
    {
        Families = families;
        Features = features;
        Rows = rows;
        _rows = [];
        foreach (var r in rows)
        {
            if (!_rows.TryAdd((r.Feature, r.Engine, r.Family), r))
            {
                throw new InvalidDataException($"engine-support.json: two rows for {r.Feature} on {r.Engine.ToName()} / {r.Family}");
            }
        }
    }

    public static EngineSupport Default { get; } = LoadEmbedded();

    public IReadOnlyList<GpuFamily> Families { get; }

    public IReadOnlyList<SupportFeature> Features { get; }

    /// <summary>One row per (feature, engine, family), in the file's order.</summary>
    public IReadOnlyList<SupportRow> Rows { get; }

    public SupportRow? Find(string feature, InferenceEngine engine, string family) =>
        _rows.TryGetValue((feature, engine, family), out var r) ? r : null;

    /// <summary>The feature a format needs (<c>gguf:Q4_K_M</c> → <c>gguf</c>), or null when no feature covers it.</summary>
    public string? FeatureOf(QuantizationFormat format) =>
        Features.FirstOrDefault(f => f.Formats.Any(id => id.EndsWith('*')
            ? format.Id.StartsWith(id[..^1], StringComparison.Ordinal)
            : format.Id == id))?.Id;

    /// <summary>The attention feature a model needs: <see cref="Dsa"/> with an indexer, <see cref="Mla"/> with MLA
    /// alone, none for MHA and GQA (every engine runs those on every family it runs on).</summary>
    public static string? AttentionFeatureOf(ModelArchitecture architecture) =>
        architecture.Attention.Indexer is not null ? Dsa
        : architecture.Attention.Mla is not null ? Mla
        : null;

    /// <summary>
    /// Whether <paramref name="engine"/> has the kernels <paramref name="architecture"/> in <paramref name="format"/>
    /// needs on <paramref name="hardware"/>'s family: the runtime row first (unsupported or missing ends the check),
    /// then the attention row and the format's row. Unsupported if any row is, else unknown if one is missing, else
    /// fallback if any is, else native. A format the table has no row for is unsupported where the quantization
    /// catalog does not list the engine for it.
    /// </summary>
    public SupportCheck Check(ModelArchitecture architecture, QuantizationFormat format, HardwareSpec hardware, InferenceEngine engine)
    {
        var family = Families.FirstOrDefault(f => f.Id == hardware.Family);
        var where = $"{hardware.Id} ({hardware.Family}) with {engine.ToName()}";
        if (family is null)
        {
            var missing = Missing(Runtime, engine, hardware.Family, $"family '{hardware.Family}' is not in the engine-support table");
            return Combine(where, [missing]);
        }
        var runtime = Find(Runtime, engine, family.Id) ?? Missing(Runtime, engine, family.Id, $"no row for {engine.ToName()} on {family.Name}");
        if (runtime.Verdict is SupportVerdict.Unsupported or SupportVerdict.Unknown)
        {
            return Combine(where, [runtime]);
        }
        List<SupportRow> rows = [runtime];
        if (AttentionFeatureOf(architecture) is { } attention)
        {
            rows.Add(Find(attention, engine, family.Id) ?? Missing(attention, engine, family.Id, $"no row for {attention} on {family.Name}"));
        }
        rows.Add(FormatRow(format, engine, family));
        return Combine(where, rows);
    }

    private SupportRow FormatRow(QuantizationFormat format, InferenceEngine engine, GpuFamily family)
    {
        if (FeatureOf(format) is not { } feature)
        {
            return Missing(format.Id, engine, family.Id, $"no engine-support feature covers {format.Id}");
        }
        if (Find(feature, engine, family.Id) is { } row)
        {
            return row;
        }
        if (!format.RunsOn(engine))
        {
            var engines = string.Join(" and ", format.Engines.Select(e => e.ToName()));
            return new SupportRow(feature, engine, family.Id, SupportVerdict.Unsupported,
                $"{engine.ToName()} does not load {format.Id} checkpoints (the quantization catalog serves it on {engines})",
                [new SupportSource("quantization-catalog", format.Source)], null);
        }
        return Missing(feature, engine, family.Id, $"no row for {feature} on {family.Name}");
    }

    private static SupportRow Missing(string feature, InferenceEngine engine, string family, string why) =>
        new(feature, engine, family, SupportVerdict.Unknown, why, [], null);

    private static SupportCheck Combine(string where, IReadOnlyList<SupportRow> rows)
    {
        var verdict = rows.Max(r => r.Verdict);
        // The rows that decide the verdict explain it; the runtime row only when it is one of them by itself.
        var deciding = rows.Where(r => r.Verdict == verdict).ToList();
        if (deciding.Count > 1)
        {
            deciding.RemoveAll(r => r.Feature == Runtime);
        }
        var notes = string.Join("; ", deciding.Select(r => $"{r.Feature}: {r.Note}"));
        var reason = $"{verdict.ToString().ToLowerInvariant()} on {where}: {notes}";
        var sources = rows.SelectMany(r => r.Sources).Select(s => s.Text).Distinct().ToList();
        return new SupportCheck(verdict, reason, rows, sources);
    }

    private static EngineSupport LoadEmbedded()
    {
        using var doc = EmbeddedData.Parse(Resource);
        return Parse(doc.RootElement);
    }

    internal static EngineSupport Parse(JsonElement root)
    {
        var families = root.GetProperty("families").EnumerateArray()
            .Select(f => new GpuFamily(Text(f, "id"), Text(f, "name"), Text(f, "target"), Text(f, "members"))).ToList();
        var features = root.GetProperty("features").EnumerateArray()
            .Select(f => new SupportFeature(Text(f, "id"), Text(f, "name"), Text(f, "description"),
                f.TryGetProperty("formats", out var ids) ? [.. ids.EnumerateArray().Select(i => i.GetString()!)] : []))
            .ToList();
        var sources = root.GetProperty("sources").EnumerateArray()
            .Select(s => new SupportSource(Text(s, "id"), Text(s, "text")))
            .ToDictionary(s => s.Id, StringComparer.Ordinal);
        var familyIds = families.Select(f => f.Id).ToHashSet(StringComparer.Ordinal);
        var featureIds = features.Select(f => f.Id).ToHashSet(StringComparer.Ordinal);
        List<SupportRow> rows = [];
        foreach (var r in root.GetProperty("rows").EnumerateArray())
        {
            var feature = Text(r, "feature");
            var engineName = Text(r, "engine");
            var what = $"engine-support.json: {feature} on {engineName}";
            if (!featureIds.Contains(feature))
            {
                throw new InvalidDataException($"{what}: unknown feature");
            }
            InferenceEngine engine;
            try
            {
                engine = InferenceEngineNames.Parse(engineName);
            }
            catch (CatalogException e)
            {
                throw new InvalidDataException($"{what}: {e.Message}", e);
            }
            var verdict = Text(r, "verdict") switch
            {
                "native" => SupportVerdict.Native,
                "fallback" => SupportVerdict.Fallback,
                "unsupported" => SupportVerdict.Unsupported,
                var v => throw new InvalidDataException($"{what}: verdict '{v}' (expected native, fallback or unsupported)"),
            };
            var rowSources = r.GetProperty("sources").EnumerateArray()
                .Select(s => sources.TryGetValue(s.GetString()!, out var found) ? found : throw new InvalidDataException($"{what}: unknown source '{s.GetString()}'"))
                .ToList();
            if (rowSources.Count == 0)
            {
                throw new InvalidDataException($"{what}: no source");
            }
            var checkedOn = DateOnly.ParseExact(Text(r, "checked"), "yyyy-MM-dd", CultureInfo.InvariantCulture);
            foreach (var family in r.GetProperty("families").EnumerateArray().Select(f => f.GetString()!))
            {
                if (!familyIds.Contains(family))
                {
                    throw new InvalidDataException($"{what}: unknown family '{family}'");
                }
                rows.Add(new SupportRow(feature, engine, family, verdict, Text(r, "note"), rowSources, checkedOn));
            }
        }
        return new EngineSupport(families, features, rows);
    }

    private static string Text(JsonElement e, string name) =>
        e.GetProperty(name).GetString() is { Length: > 0 } s ? s : throw new InvalidDataException($"engine-support.json: empty '{name}'");
}
