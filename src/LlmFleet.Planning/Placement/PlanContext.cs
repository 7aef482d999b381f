using LlmFleet.Catalog.Hardware;
using LlmFleet.Catalog.Models;
using LlmFleet.Catalog.Quantization;
using LlmFleet.Planning.Performance;

namespace LlmFleet.Planning.Placement;

/// <summary>Everything resolved from a request that placement and performance need.</summary>
/// <param name="UsesMtp">The engine runs the model's MTP layers (vLLM speculative decoding).</param>
/// <param name="Calibration">Engine costs and GPU kernel efficiencies the speed model uses.</param>
/// <param name="Ram">Host memory; null when the request gave no RAM size (and the host is not Apple).</param>
internal sealed record PlanContext(
    ModelSource Model,
    ModelArchitecture Architecture,
    ParameterBreakdown Parameters,
    QuantizationFormat Format,
    WeightFootprint Weights,
    HardwareSpec Hardware,
    InferenceEngine Engine,
    bool UsesMtp,
    SystemMemory? Ram,
    long ContextTokens,
    string KvDtype,
    double GpuMemoryUtilization,
    Calibration Calibration)
{
    /// <summary>Tokens one prefill step takes: vLLM's <c>max_num_batched_tokens</c>, which its defaults set per GPU
    /// (and the launch line prints), or the engine's micro-batch.</summary>
    public int PrefillChunkTokens => Engine == InferenceEngine.Vllm
        ? Memory.RuntimeOverhead.VllmBatchDefaults(Hardware).BatchedTokens
        : Calibration.For(Engine).PrefillChunkTokens;
}
