using LlmFleet.Planning.Memory;

namespace LlmFleet.Planning.Performance;

/// <summary>
/// What one decode step costs on one GPU of a placed replica, as a sum of separate physical terms: weights read
/// under the layout (TP shard; EP shard of the routed experts, read where the batch's tokens touch them), KV read,
/// GEMM compute at the efficiency matrix units reach, tensor-parallel all-reduces, expert-parallel all-to-alls,
/// pipeline hand-overs, the engine's per-layer kernel floor and its per-step serving cost, and offload traffic.
/// Pipeline stages run one after another, so a step covers every stage's share.
/// </summary>
/// <param name="Layers">Decoder layers on all stages together.</param>
/// <param name="MoeLayers">Those of them with routed experts.</param>
/// <param name="MlaLayers">Those of them with MLA attention.</param>
/// <param name="IndexerLayers">Those of them that run a DSA indexer.</param>
/// <param name="DenseBytesPerGpu">Weights every step reads in full on one GPU: attention, dense and shared MLPs,
/// routers, the LM head (the token embedding is looked up, not read).</param>
/// <param name="DenseFlopsPerToken">GEMM FLOPs per token outside the routed experts and attention, on one GPU.</param>
/// <param name="RoutedBytesPerGpu">Routed-expert weights one GPU holds (its EP shard, or its TP slice of all).</param>
/// <param name="RoutedFlopsPerToken">Routed-expert FLOPs per token of the expert group, on one GPU.</param>
/// <param name="ExpertGroupReplicas">Replicas whose tokens meet at one GPU's experts: the data-parallel size under
/// expert parallelism (every rank's tokens are dispatched to the experts' owners), else 1.</param>
/// <param name="AttentionFlopsPerContextToken">Attention FLOPs per decoded token per attended context token, on one GPU.</param>
/// <param name="PeakFlopsPerSecond">One GPU's dense tensor peak at the format's compute precision.</param>
/// <param name="TensorParallel">Ranks an all-reduce spans (two per layer when above 1).</param>
/// <param name="ExpertParallelRanks">Ranks the routed experts are spread over (0 without expert parallelism).</param>
/// <param name="AllReduceLatencySeconds">Latency of one all-reduce on this hardware's link.</param>
/// <param name="LinkBytesPerSecond">Bandwidth collectives reach between two GPUs of a node.</param>
/// <param name="HiddenBytes">Bytes of one token's hidden state (hidden size × 2, bf16 activations).</param>
/// <param name="RamRoutedBytes">Routed experts in system RAM, read by the CPU for the experts the tokens pick.</param>
/// <param name="RamDenseBytes">Whole layers in system RAM (dense-model offload), read in full every step.</param>
/// <param name="PcieStreamBytesPerGpu">Weights vLLM streams from RAM to each GPU every step (<c>--cpu-offload-gb</c>).</param>
/// <param name="MtpDraftBytesPerGpu">Bytes one MTP draft pass reads (its layer's active weights and the LM head).</param>
internal sealed record DecodeCost(
    int Layers,
    int MoeLayers,
    int MlaLayers,
    int IndexerLayers,
    EngineProfile Engine,
    KernelEfficiency Kernels,
    double HbmBytesPerSecond,
    double PeakFlopsPerSecond,
    double DenseBytesPerGpu,
    double DenseFlopsPerToken,
    double RoutedBytesPerGpu,
    double RoutedFlopsPerToken,
    int ExpertsPerToken,
    int Experts,
    int ExpertGroupReplicas,
    KvCacheLayout Kv,
    double AttentionFlopsPerContextToken,
    int TensorParallel,
    int ExpertParallelRanks,
    int PipelineParallel,
    double AllReduceLatencySeconds,
    double LinkBytesPerSecond,
    double HiddenBytes,
    double RamRoutedBytes,
    double RamDenseBytes,
    double RamBytesPerSecond,
    double PcieStreamBytesPerGpu,
    double PcieBytesPerSecond,
    double MtpDraftBytesPerGpu)
{
    /// <summary>
    /// Seconds for one step that decodes <paramref name="tokensPerSequence"/> tokens (1, or 1 + draft tokens when
    /// verifying MTP drafts) for each of <paramref name="sequences"/> sequences whose contexts add up to
    /// <paramref name="contextTokensTotal"/>.
    /// </summary>
    public double StepSeconds(int sequences, int tokensPerSequence, double contextTokensTotal)
    {
        if (sequences <= 0)
        {
            return 0;
        }
        var meanContext = contextTokensTotal / sequences;
        return Terms(sequences, tokensPerSequence, meanContext).Total;
    }

    /// <summary>The step's terms, separately, for docs, tests and the calibration fit.</summary>
    public StepTerms Terms(int sequences, int tokensPerSequence, double meanContext)
    {
        var tokens = (double)sequences * tokensPerSequence;
        var groupTokens = tokens * ExpertGroupReplicas;
        var touched = TouchedExpertFraction(groupTokens);
        var attended = Kv.SparseTopK is { } k ? Math.Min(meanContext, k) : meanContext;

        var dense = Math.Max(DenseBytesPerGpu / (HbmBytesPerSecond * Kernels.Hbm),
            tokens * DenseFlopsPerToken / (PeakFlopsPerSecond * Kernels.Gemm));
        var experts = Math.Max(RoutedBytesPerGpu * touched / (HbmBytesPerSecond * Kernels.Moe),
            groupTokens * RoutedFlopsPerToken / (PeakFlopsPerSecond * Kernels.Gemm));
        var attention = Math.Max(sequences * Kv.BytesReadPerDecodedToken(meanContext) / (HbmBytesPerSecond * Kernels.Attention),
            tokens * AttentionFlopsPerContextToken * attended / (PeakFlopsPerSecond * Kernels.Gemm));
        var communication = CommunicationSeconds(tokens);
        var floor = Layers * Engine.FloorSecondsPerLayer + MoeLayers * Engine.FloorSecondsPerMoeLayer
            + MlaLayers * Engine.FloorSecondsPerMlaLayer + IndexerLayers * Engine.FloorSecondsPerIndexerLayer;
        var serving = Engine.StepOverheadSeconds + tokens * Engine.StepOverheadSecondsPerToken;
        var offload = (RamRoutedBytes * touched + RamDenseBytes) / RamBytesPerSecond + PcieStreamBytesPerGpu / PcieBytesPerSecond;
        return new StepTerms(dense, experts, attention, communication, floor, serving, offload);
    }

    /// <summary>Two all-reduces per layer under tensor parallelism, a dispatch and a combine per MoE layer under
    /// expert parallelism, and one hand-over per stage boundary: each a latency plus its bytes over the link.</summary>
    public double CommunicationSeconds(double tokens)
    {
        double seconds = 0;
        if (TensorParallel > 1)
        {
            var bytes = tokens * HiddenBytes * 2.0 * (TensorParallel - 1) / TensorParallel;
            seconds += 2.0 * Layers * (AllReduceLatencySeconds + bytes / LinkBytesPerSecond);
        }
        if (ExpertParallelRanks > 1)
        {
            var bytes = tokens * ExpertsPerToken * HiddenBytes * (ExpertParallelRanks - 1) / ExpertParallelRanks;
            seconds += 2.0 * MoeLayers * (Engine.AllToAllLatencySeconds + bytes / LinkBytesPerSecond);
        }
        if (PipelineParallel > 1)
        {
            seconds += (PipelineParallel - 1) * (Engine.PipelineStageLatencySeconds + tokens * HiddenBytes / LinkBytesPerSecond);
        }
        return seconds;
    }

    /// <summary>One MTP draft pass: one layer's floor and its weights (the MTP layer is one decoder layer).</summary>
    public double DraftSeconds() =>
        (Layers == 0 ? 0 : (Terms(0, 1, 0).KernelFloor / Layers)) + MtpDraftBytesPerGpu / (HbmBytesPerSecond * Kernels.Hbm);

    /// <summary>
    /// Fraction of the routed experts a batch of <paramref name="tokens"/> tokens touches: each token picks k of E
    /// experts, so an expert stays unread with probability (1 - k/E)^tokens. One token reads k/E of them; a large
    /// batch reads them all, which is why batched MoE decode gets cheaper per token.
    /// </summary>
    public double TouchedExpertFraction(double tokens) =>
        Experts == 0 ? 1 : 1 - Math.Pow(1 - (double)ExpertsPerToken / Experts, tokens);
}

/// <summary>
/// The terms of one decode step, in seconds. The GPU runs its terms one after another; the engine's serving work
/// (scheduling, input preparation, sampling, output processing) runs on the CPU while the GPU executes the step
/// before (vLLM's async scheduling, SGLang's overlap scheduler), so a step takes the longer of the two.
/// </summary>
internal readonly record struct StepTerms(
    double DenseWeights,
    double Experts,
    double Attention,
    double Communication,
    double KernelFloor,
    double Serving,
    double Offload)
{
    public double Gpu => DenseWeights + Experts + Attention + Communication + KernelFloor + Offload;

    public double Total => Math.Max(Gpu, Serving);
}
