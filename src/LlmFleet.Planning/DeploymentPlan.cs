using LlmFleet.Catalog.Hardware;
using LlmFleet.Catalog.Models;
using LlmFleet.Planning.Performance;

using LlmFleet.Planning.Recommendations;

namespace LlmFleet.Planning;

/// <summary>
/// The planner's answer for one configuration: memory, fit, parallelism, offload, speed and the launch command.
/// Sizes are bytes; speeds tokens per second; times seconds. Without a GPU in the request, <see cref="Recommendations"/>
/// holds one plan per tier and the top-level figures are those of the first tier that fits.
/// </summary>
public sealed record DeploymentPlan
{
    public required string ModelId { get; init; }

    public required string Quantization { get; init; }

    /// <summary>The accelerator planned on; null only for a recommendation-only plan where no tier fits.</summary>
    public HardwareSpec? Hardware { get; init; }

    public required bool Fits { get; init; }

    /// <summary>It fits, but one stream decodes under the request's usable-speed floor: it loads, but is too slow.</summary>
    public bool TooSlow { get; init; }

    /// <summary>Whether the engine runs this model's attention and this format on this GPU family natively, through a
    /// fallback, or not at all (<c>Data/engine-support.json</c>); null for a recommendation-only plan.</summary>
    public SupportCheck? Support { get; init; }

    /// <summary>All weights the engine loads (MTP layers included where it loads them).</summary>
    public required long WeightsBytes { get; init; }

    public required IReadOnlyDictionary<TensorClass, long> WeightsBytesByClass { get; init; }

    /// <summary>Where <see cref="WeightsBytes"/> comes from: <c>published</c> (the size of the published GGUF file, the
    /// per-class bytes scaled to it) or <c>estimate</c> (parameter counts times the format's bits per class).</summary>
    public required string WeightsSource { get; init; }

    /// <summary>The address the published size was read from; null for an estimate.</summary>
    public string? WeightsSourceUrl { get; init; }

    /// <summary>KV-cache bytes one token takes on one GPU, as the engine allocates it.</summary>
    public required long KvCacheBytesPerToken { get; init; }

    /// <summary>vLLM's "GPU KV cache size: N tokens" (per replica); for llama.cpp the context it allocates.</summary>
    public required long KvCacheTokens { get; init; }

    /// <summary>vLLM's "Maximum concurrency for C tokens per request", over all data-parallel replicas.</summary>
    public required int MaxConcurrency { get; init; }

    public required long ContextTokens { get; init; }

    public required string KvCacheDtype { get; init; }

    public required int Gpus { get; init; }

    public required int Nodes { get; init; }

    public required int TensorParallelSize { get; init; }

    public required int PipelineParallelSize { get; init; }

    public required int DataParallelSize { get; init; }

    /// <summary>vLLM <c>--enable-expert-parallel</c>: routed experts spread whole over the TP × DP ranks.</summary>
    public bool ExpertParallel { get; init; }

    /// <summary>Weight bytes one GPU holds.</summary>
    public required long WeightsBytesPerGpu { get; init; }

    /// <summary>Activations, CUDA graphs, communication buffers: what a GPU needs besides weights and KV.</summary>
    public required long RuntimeOverheadBytesPerGpu { get; init; }

    /// <summary>GPU memory left for the KV cache on one GPU (negative when the weights do not fit).</summary>
    public required long KvCacheBudgetBytesPerGpu { get; init; }

    /// <summary>Weight bytes kept in system RAM (routed experts for llama.cpp, <c>--cpu-offload-gb</c> for vLLM).</summary>
    public required long OffloadBytes { get; init; }

    /// <summary>How many bytes of memory are missing when it does not fit; 0 when it fits.</summary>
    public required long ShortfallBytes { get; init; }

    /// <summary>What would fit instead, when this does not.</summary>
    public required IReadOnlyList<string> Alternatives { get; init; }

    public required double DecodeTokensPerSecondSingleStream { get; init; }

    public required double DecodeTokensPerSecondAggregate { get; init; }

    /// <summary>Sequences the aggregate figure decodes together: the requested concurrency, capped by what fits.</summary>
    public required int AggregateConcurrency { get; init; }

    public required double PrefillTokensPerSecond { get; init; }

    /// <summary>The highest concurrency per replica that meets the interactivity target, with its speeds; what
    /// <c>cost</c> sizes replicas by and what <c>--max-num-seqs</c> is set to.</summary>
    public required GoodputEstimate Goodput { get; init; }

    /// <summary>Time to first token for a prompt that fills the context.</summary>
    public required double TtftSeconds { get; init; }

    /// <summary>MTP acceptance length the decode figures include (1 when they do not).</summary>
    public required double MtpAcceptance { get; init; }

    /// <summary><c>vllm</c>, <c>llama.cpp</c> or <c>mlx</c>.</summary>
    public required string Engine { get; init; }

    public required string Command { get; init; }

    /// <summary>The same as a <c>docker run</c> line (vLLM's image or llama.cpp's server image); null where none.</summary>
    public string? DockerCommand { get; init; }

    public required IReadOnlyList<string> Warnings { get; init; }

    /// <summary>Step times consistent with the figures above (without MTP), for the vLLM twin.</summary>
    public required IStepTimeModel StepTime { get; init; }

    /// <summary>One entry per tier when the request named no GPU; empty otherwise.</summary>
    public IReadOnlyList<TierRecommendation> Recommendations { get; init; } = [];
}

/// <summary>One configuration a tier offers: hardware, count and format, planned in full.</summary>
/// <param name="PriceUsd">Purchase price of the hardware (GPUs or the Mac), when bought.</param>
/// <param name="UsdPerHour">Rental price per hour, for the rental tier.</param>
/// <param name="RamGb">System RAM (unified memory on Apple) the option is planned with; null for GPU servers.</param>
/// <param name="QualityClass">How close the format keeps the model to its original checkpoint, 0 (within noise) to 5
/// (1-bit); docs/planning.md, "Recommendations".</param>
public sealed record TierOption(DeploymentPlan Plan, double? PriceUsd, double? UsdPerHour, double? RamGb, int QualityClass);

/// <summary>
/// What one tier offers: its best option (the best-quality format that runs at a usable speed there, then the one that
/// meets the per-stream speed target, then the fewest servers, then the lowest price), up to two alternatives, the
/// options that load but run too slowly, and why.
/// </summary>
/// <param name="Tier"><c>enterprise</c>, <c>rental</c>, <c>workstation</c> or <c>apple</c>.</param>
/// <param name="Best">The recommended option; null when nothing in the tier runs usably.</param>
/// <param name="Why">Why this option, in one sentence.</param>
/// <param name="LeftOut">Why better formats or other configurations are not offered.</param>
/// <param name="Reason">Why nothing is offered, when <paramref name="Best"/> is null.</param>
public sealed record TierRecommendation(
    string Tier,
    TierOption? Best,
    IReadOnlyList<TierOption> Alternatives,
    IReadOnlyList<TierOption> TooSlow,
    string? Why,
    IReadOnlyList<string> LeftOut,
    string? Reason)
{
    public DeploymentPlan? Plan => Best?.Plan;

    public double? PriceUsd => Best?.PriceUsd;

    public double? UsdPerHour => Best?.UsdPerHour;
}
