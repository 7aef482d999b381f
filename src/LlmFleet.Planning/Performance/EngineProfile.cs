namespace LlmFleet.Planning.Performance;

/// <summary>
/// How close an engine gets to the hardware's peaks, fitted on published measurements (see
/// <c>Data/Calibration/engines.json</c>, which names each point and says which parameter it fixed).
/// </summary>
/// <param name="PerLayerOverheadSeconds">Fixed time per layer per step: kernel launches, synchronisation and
/// tensor-parallel all-reduce latency. It dominates single-stream decode of large MoE models on fast GPUs.</param>
/// <param name="PerTokenOverheadSeconds">Time per token in the decode batch per step beyond the roofline: scheduling,
/// sampling, speculative verification bookkeeping. It is what makes measured throughput grow sub-linearly with
/// concurrency while the roofline says a large batch is nearly free.</param>
/// <param name="RequestOverheadSeconds">Fixed time to first token on top of the prefill itself (tokenization,
/// scheduling, the first sampling step).</param>
/// <param name="MemoryEfficiency">Fraction of peak device-memory bandwidth a decode step achieves.</param>
/// <param name="DecodeComputeEfficiency">Fraction of peak tensor FLOP/s a large decode batch achieves.</param>
/// <param name="PrefillComputeEfficiency">Fraction of peak tensor FLOP/s prefill achieves.</param>
/// <param name="RamEfficiency">Fraction of peak DRAM bandwidth the CPU achieves reading offloaded experts.</param>
/// <param name="PrefillChunkTokens">Tokens per prefill step (vLLM's batched-token budget, llama.cpp's micro-batch).</param>
public sealed record EngineProfile(
    string Engine,
    double PerLayerOverheadSeconds,
    double PerTokenOverheadSeconds,
    double RequestOverheadSeconds,
    double MemoryEfficiency,
    double DecodeComputeEfficiency,
    double PrefillComputeEfficiency,
    double RamEfficiency,
    int PrefillChunkTokens);
