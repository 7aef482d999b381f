using LlmFleet.Planning.Memory;

namespace LlmFleet.Planning.Placement;

/// <summary>Where the weights and the KV cache of one configuration live, and whether they fit.</summary>
/// <param name="WeightsBytesPerGpu">Weights one GPU holds.</param>
/// <param name="GpuRoutedBytes">Routed-expert bytes held on GPUs (all GPUs together).</param>
/// <param name="GpuNonRoutedBytes">Other weight bytes held on GPUs (all GPUs together), what every step reads.</param>
/// <param name="OffloadBytes">Weight bytes in system RAM.</param>
/// <param name="OffloadIsRoutedExperts">Offloaded bytes are routed experts read per token by the CPU (llama.cpp);
/// otherwise they are whole weights streamed to the GPU over PCIe every step (vLLM <c>--cpu-offload-gb</c>).</param>
/// <param name="CpuMoeLayers">llama.cpp <c>--n-cpu-moe</c>: layers whose experts stay in RAM.</param>
/// <param name="KvBudgetBytesPerGpu">Memory left for the KV cache on one GPU.</param>
/// <param name="KvTokens">Tokens the KV cache holds (per replica).</param>
/// <param name="MaxConcurrency">Full-context sequences that fit at once, over all replicas.</param>
/// <param name="ShortfallBytes">Memory missing in total; 0 when it fits.</param>
/// <param name="Problem">What does not fit, in words; null when it fits.</param>
internal sealed record PlacementResult(
    int TensorParallel,
    int PipelineParallel,
    int DataParallel,
    int Nodes,
    long WeightsBytesPerGpu,
    long GpuRoutedBytes,
    long GpuNonRoutedBytes,
    long OffloadBytes,
    bool OffloadIsRoutedExperts,
    int CpuMoeLayers,
    long RuntimeOverheadBytesPerGpu,
    long KvBudgetBytesPerGpu,
    KvCacheLayout Kv,
    long KvTokens,
    int MaxConcurrency,
    long ShortfallBytes,
    string? Problem)
{
    /// <summary>GPUs in use for engines that split layers rather than tensors (llama.cpp).</summary>
    public int GpuCount { get; init; } = 1;

    /// <summary>vLLM <c>--enable-expert-parallel</c>: the routed experts are spread whole over the TP × DP ranks of a
    /// stage instead of sliced by TP on every replica.</summary>
    public bool ExpertParallel { get; init; }

    public bool Fits => ShortfallBytes <= 0 && Problem is null;

    public int Gpus => TensorParallel * PipelineParallel * DataParallel;
}
