using System.Reflection;
using System.Text.Json;
using LlmFleet.Catalog.Models;

namespace LlmFleet.Catalog.Quantization;

/// <summary>
/// The quantization formats <c>--quant</c> accepts, read once from the JSON files embedded from
/// <c>Data/Quantizations/</c>. GGUF formats name llama.cpp block types; their bits per weight come from the block
/// sizes in <c>ggml-types.json</c>, never from rounded figures.
/// </summary>
public sealed class QuantizationCatalog
{
    private const string Prefix = "LlmFleet.Catalog.Data.Quantizations.";
    private readonly Dictionary<string, QuantizationFormat> _byId;

    private QuantizationCatalog(IReadOnlyDictionary<string, GgmlType> ggmlTypes, IEnumerable<QuantizationFormat> formats)
    {
        GgmlTypes = ggmlTypes;
        GgmlTypesById = ggmlTypes.Values.ToDictionary(t => t.Id);
        _byId = formats.ToDictionary(f => f.Id, StringComparer.OrdinalIgnoreCase);
    }

    public static QuantizationCatalog Default { get; } = LoadEmbedded();

    /// <summary>llama.cpp block types by name (<c>Q4_K</c>, <c>IQ2_XXS</c>...).</summary>
    public IReadOnlyDictionary<string, GgmlType> GgmlTypes { get; }

    /// <summary>The same types by the <c>ggml_type</c> number a GGUF tensor info stores (what <c>verify</c> reads).</summary>
    public IReadOnlyDictionary<uint, GgmlType> GgmlTypesById { get; }

    /// <summary>Every format, in the order of the data files (native, GGUF, Unsloth dynamic).</summary>
    public IReadOnlyList<QuantizationFormat> All => [.. _byId.Values];

    public bool TryGet(string id, out QuantizationFormat format) => _byId.TryGetValue(id, out format!);

    /// <exception cref="CatalogException">Unknown format; the message lists the known ids.</exception>
    public QuantizationFormat Get(string id) =>
        TryGet(id, out var f)
            ? f
            : throw new CatalogException($"unknown quantization '{id}'. Known: {string.Join(", ", _byId.Keys)} (see `llmfleet quants`)");

    private static QuantizationCatalog LoadEmbedded()
    {
        var asm = typeof(QuantizationCatalog).Assembly;
        var ggml = ParseGgmlTypes(Read(asm, Prefix + "ggml-types.json"));
        // Native formats first, then uniform GGUF, then the dynamic mixes: the order `llmfleet quants` lists them in.
        string[] files = ["native.json", "gguf.json", "unsloth-dynamic.json"];
        var formats = files.SelectMany(f => ParseFormats(Read(asm, Prefix + f), f, ggml)).ToList();
        return new QuantizationCatalog(ggml, formats);
    }

    private static Dictionary<string, GgmlType> ParseGgmlTypes(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.GetProperty("types").EnumerateArray()
            .Select(t => new GgmlType(
                t.GetProperty("id").GetUInt32(),
                t.GetProperty("name").GetString()!,
                t.GetProperty("block_elements").GetInt32(),
                t.GetProperty("block_bytes").GetInt32(),
                t.GetProperty("layout").GetString()!))
            .ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    internal static IEnumerable<QuantizationFormat> ParseFormats(string json, string origin, IReadOnlyDictionary<string, GgmlType> ggml)
    {
        using var doc = JsonDocument.Parse(json);
        var result = new List<QuantizationFormat>();
        foreach (var f in doc.RootElement.GetProperty("formats").EnumerateArray())
        {
            var id = f.GetProperty("id").GetString()!;
            var where = $"{origin}: {id}";
            var (defaultBits, defaultType) = ClassSpec(f.GetProperty("default"), ggml, where);
            var bits = new Dictionary<TensorClass, double>();
            var types = new Dictionary<TensorClass, string>();
            if (f.TryGetProperty("classes", out var classes))
            {
                foreach (var c in classes.EnumerateObject())
                {
                    var tc = TensorClassNames.Parse(c.Name);
                    var (b, t) = ClassSpec(c.Value, ggml, $"{where}.{c.Name}");
                    bits[tc] = b;
                    if (t is not null)
                    {
                        types[tc] = t;
                    }
                }
            }
            if (defaultType is not null)
            {
                foreach (var c in Enum.GetValues<TensorClass>().Where(c => !types.ContainsKey(c)))
                {
                    types[c] = defaultType;
                }
            }
            result.Add(new QuantizationFormat(
                id,
                f.GetProperty("name").GetString()!,
                f.GetProperty("description").GetString()!,
                defaultBits,
                bits,
                types,
                ParseCompute(f.GetProperty("compute").GetString()!, where),
                [.. f.GetProperty("engines").EnumerateArray().Select(e => InferenceEngineNames.Parse(e.GetString()!))],
                f.GetProperty("source").GetString()!));
        }
        return result;
    }

    /// <summary>A class's storage: <c>{"bits": n}</c>, <c>{"type": "Q4_K"}</c>, or a <c>{"mix": [{type, share}]}</c> of
    /// llama.cpp types whose shares add up to 1 (e.g. down_proj, a third of every expert, one type higher).</summary>
    private static (double Bits, string? Type) ClassSpec(JsonElement spec, IReadOnlyDictionary<string, GgmlType> ggml, string where)
    {
        if (spec.TryGetProperty("bits", out var bits))
        {
            return (bits.GetDouble(), null);
        }
        if (spec.TryGetProperty("type", out var type))
        {
            var name = type.GetString()!;
            return (Ggml(name, ggml, where).BitsPerWeight, name);
        }
        if (spec.TryGetProperty("mix", out var mix))
        {
            var parts = mix.EnumerateArray()
                .Select(p => (Type: Ggml(p.GetProperty("type").GetString()!, ggml, where), Share: p.GetProperty("share").GetDouble()))
                .ToList();
            var total = parts.Sum(p => p.Share);
            if (Math.Abs(total - 1) > 1e-3)
            {
                throw new InvalidDataException($"{where}: mix shares add up to {total}, not 1");
            }
            return (parts.Sum(p => p.Type.BitsPerWeight * p.Share) / total,
                string.Join("+", parts.Select(p => p.Type.Name)));
        }
        throw new InvalidDataException($"{where}: expected bits, type or mix");
    }

    private static GgmlType Ggml(string name, IReadOnlyDictionary<string, GgmlType> ggml, string where) =>
        ggml.TryGetValue(name, out var t) ? t : throw new InvalidDataException($"{where}: unknown ggml type '{name}'");

    private static ComputePrecision ParseCompute(string name, string where) => name switch
    {
        "bf16" => ComputePrecision.Bf16,
        "fp8" => ComputePrecision.Fp8,
        "int8" => ComputePrecision.Int8,
        "fp4" => ComputePrecision.Fp4,
        _ => throw new InvalidDataException($"{where}: unknown compute precision '{name}'"),
    };

    private static string Read(Assembly asm, string name)
    {
        using var stream = asm.GetManifestResourceStream(name) ?? throw new InvalidDataException($"missing embedded resource {name}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
