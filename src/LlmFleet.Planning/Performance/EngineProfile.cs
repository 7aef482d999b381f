namespace LlmFleet.Planning.Performance;

/// <summary>
/// What an engine adds to the hardware's own kernel times, each term physical and calibrated on its own (see
/// <c>Data/Calibration/engines.json</c>, which names where each value comes from).
/// </summary>
/// <param name="FloorSecondsPerLayer">GPU time every decoder layer costs beyond its bytes and FLOPs: kernel boundaries
/// inside the step's CUDA graph (norms, rotary, residual adds, the tail of each GEMM) of a GQA layer with a dense MLP.</param>
/// <param name="FloorSecondsPerMoeLayer">What an MoE layer adds to that (router, top-k, dispatch and combine kernels).</param>
/// <param name="FloorSecondsPerMlaLayer">What MLA attention adds (low-rank projections, absorbed BMMs, the MLA kernel).</param>
/// <param name="FloorSecondsPerIndexerLayer">What a DSA indexer adds (its projections, scores and top-k).</param>
/// <param name="StepOverheadSeconds">Per-step serving cost not hidden behind the GPU: scheduler, input preparation,
/// sampler, output processing.</param>
/// <param name="StepOverheadSecondsPerToken">The part of the per-step serving cost that grows with the tokens in the
/// batch (bookkeeping, sampling and, with speculative decoding, verifying each draft token), as vLLM's does.</param>
/// <param name="RequestOverheadSeconds">Fixed time to first token on top of the prefill (tokenization, scheduling,
/// the first sampling step, the HTTP round trip).</param>
/// <param name="AllReduceLatencySeconds">Latency of one tensor-parallel all-reduce over NVLink or Infinity Fabric.</param>
/// <param name="PcieAllReduceLatencySeconds">Latency of one all-reduce between GPUs joined only by PCIe.</param>
/// <param name="AllToAllLatencySeconds">Latency of one expert-parallel dispatch or combine.</param>
/// <param name="PipelineStageLatencySeconds">Hand-over of activations from one pipeline stage to the next.</param>
/// <param name="InterconnectEfficiency">Fraction of the datasheet GPU-to-GPU bandwidth collectives reach.</param>
/// <param name="RamEfficiency">Fraction of peak DRAM bandwidth the CPU reaches reading offloaded experts.</param>
/// <param name="PrefillChunkTokens">Tokens per prefill step of llama.cpp and MLX (their micro-batch); 0 for vLLM, whose
/// budget depends on the GPU (<see cref="Placement.PlanContext.PrefillChunkTokens"/>).</param>
public sealed record EngineProfile(
    string Engine,
    double FloorSecondsPerLayer,
    double FloorSecondsPerMoeLayer,
    double FloorSecondsPerMlaLayer,
    double FloorSecondsPerIndexerLayer,
    double StepOverheadSeconds,
    double StepOverheadSecondsPerToken,
    double RequestOverheadSeconds,
    double AllReduceLatencySeconds,
    double PcieAllReduceLatencySeconds,
    double AllToAllLatencySeconds,
    double PipelineStageLatencySeconds,
    double InterconnectEfficiency,
    double RamEfficiency,
    int PrefillChunkTokens);
