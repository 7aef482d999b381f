using System.Text.Json;
using LlmFleet.Catalog.Quantization;
using LlmFleet.Planning.Data;

namespace LlmFleet.Planning.Performance;

/// <summary>
/// Everything the speed model takes from measurements: the engines' own costs (<c>Data/Calibration/engines.json</c>)
/// and the GPUs' kernel efficiencies (<c>Data/Calibration/gpu-kernels.json</c>). <see cref="Default"/> is read once
/// from the embedded files; the calibration fit in <c>bench/calibration</c> plans with candidate values instead.
/// </summary>
public sealed record Calibration(IReadOnlyDictionary<string, EngineProfile> Engines, IReadOnlyDictionary<string, KernelEfficiency> Gpus)
{
    public static Calibration Default { get; } = Load();

    public EngineProfile For(InferenceEngine engine) => Engines[engine.ToName()];

    /// <exception cref="PlanningException">The GPU has no entry in gpu-kernels.json.</exception>
    public KernelEfficiency Kernels(string gpuId) => Gpus.TryGetValue(gpuId, out var k)
        ? k
        : throw new PlanningException($"no kernel efficiencies for {gpuId} in Data/Calibration/gpu-kernels.json");

    /// <summary>This calibration with one engine's profile replaced.</summary>
    public Calibration With(EngineProfile profile) =>
        this with { Engines = new Dictionary<string, EngineProfile>(Engines) { [profile.Engine] = profile } };

    /// <summary>
    /// This calibration with <paramref name="engine"/>'s costs in vLLM's place. SGLang runs the layouts and kernel
    /// families vLLM runs (TP, DP attention, EP; FlashInfer, fused MoE, custom all-reduce), so its published figures are
    /// planned as vLLM deployments with SGLang's own serving costs.
    /// </summary>
    public Calibration ServedBy(string engine) => engine == InferenceEngine.Vllm.ToName()
        ? this
        : With(Engines[engine] with { Engine = InferenceEngine.Vllm.ToName() });

    private static Calibration Load()
    {
        using var engines = Read("engines.json");
        using var gpus = Read("gpu-kernels.json");
        var profiles = engines.RootElement.GetProperty("engines").EnumerateArray().Select(e => new EngineProfile(
                e.GetProperty("engine").GetString()!,
                Value(e, "floor_seconds_per_layer"),
                Value(e, "floor_seconds_per_moe_layer"),
                Value(e, "floor_seconds_per_mla_layer"),
                Value(e, "floor_seconds_per_indexer_layer"),
                Value(e, "step_overhead_seconds"),
                Value(e, "step_overhead_seconds_per_token"),
                Value(e, "request_overhead_seconds"),
                Value(e, "all_reduce_latency_seconds"),
                Value(e, "pcie_all_reduce_latency_seconds"),
                Value(e, "all_to_all_latency_seconds"),
                Value(e, "pipeline_stage_latency_seconds"),
                Value(e, "interconnect_efficiency"),
                Value(e, "ram_efficiency"),
                // vLLM's chunk is its per-GPU batch default (RuntimeOverhead.VllmBatchDefaults), not an engine constant.
                e.TryGetProperty("prefill_chunk_tokens", out var chunk) ? chunk.GetProperty("value").GetInt32() : 0))
            .ToDictionary(p => p.Engine);
        var kernels = gpus.RootElement.GetProperty("gpus").EnumerateArray().Select(g => new KernelEfficiency(
                g.GetProperty("gpu").GetString()!,
                g.GetProperty("hbm").GetDouble(),
                g.GetProperty("moe").GetDouble(),
                g.GetProperty("attention").GetDouble(),
                g.GetProperty("gemm").GetDouble(),
                g.GetProperty("prefill").GetDouble()))
            .ToDictionary(k => k.Gpu);
        return new Calibration(profiles, kernels);
    }

    private static JsonDocument Read(string file) => EmbeddedData.Parse($"Calibration/{file}");

    /// <summary>Each engine parameter is an object with its <c>value</c> and where the value comes from.</summary>
    private static double Value(JsonElement engine, string name) =>
        engine.GetProperty(name).GetProperty("value").GetDouble();
}
