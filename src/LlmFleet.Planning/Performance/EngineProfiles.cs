using System.Text.Json;
using LlmFleet.Catalog.Quantization;

namespace LlmFleet.Planning.Performance;

/// <summary>The calibrated <see cref="EngineProfile"/> of each engine, read once from the embedded
/// <c>Data/Calibration/engines.json</c>.</summary>
public static class EngineProfiles
{
    private static readonly Dictionary<string, EngineProfile> ByEngine = Load();

    public static EngineProfile For(InferenceEngine engine) => ByEngine[engine.ToName()];

    private static Dictionary<string, EngineProfile> Load()
    {
        var asm = typeof(EngineProfiles).Assembly;
        using var stream = asm.GetManifestResourceStream("LlmFleet.Planning.Data.Calibration.engines.json")
            ?? throw new InvalidDataException("missing embedded Data/Calibration/engines.json");
        using var doc = JsonDocument.Parse(stream);
        return doc.RootElement.GetProperty("engines").EnumerateArray().Select(e => new EngineProfile(
                e.GetProperty("engine").GetString()!,
                Value(e, "per_layer_overhead_seconds"),
                Value(e, "per_token_overhead_seconds"),
                Value(e, "request_overhead_seconds"),
                Value(e, "memory_efficiency"),
                Value(e, "decode_compute_efficiency"),
                Value(e, "prefill_compute_efficiency"),
                Value(e, "ram_efficiency"),
                (int)Value(e, "prefill_chunk_tokens")))
            .ToDictionary(p => p.Engine);
    }

    /// <summary>Each parameter is an object with its <c>value</c> and where the value comes from.</summary>
    private static double Value(JsonElement engine, string name) =>
        engine.GetProperty(name).GetProperty("value").GetDouble();
}
