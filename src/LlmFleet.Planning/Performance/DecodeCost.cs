using LlmFleet.Planning.Memory;

namespace LlmFleet.Planning.Performance;

/// <summary>
/// What one decode step costs for a placed deployment, as a roofline over the bytes the step reads from where they
/// live and the FLOPs it does, plus a fixed per-layer overhead. All byte figures are per GPU of one pipeline (the
/// stages of a pipeline run one after another, so a step reads its whole share of the weights sequentially).
/// </summary>
/// <param name="Layers">Decoder layers a step runs through (the fixed overhead is per layer).</param>
/// <param name="NonRoutedBytesPerGpu">Weights every step reads in full (attention, dense and shared MLPs, head).</param>
/// <param name="RoutedBytesPerGpu">Routed-expert weights on the GPU: a step reads the experts its tokens pick.</param>
/// <param name="RamRoutedBytes">Routed experts in system RAM, read by the CPU for the experts the tokens pick.</param>
/// <param name="RamDenseBytes">Whole layers in system RAM (dense-model offload), read in full by the CPU every step.</param>
/// <param name="PcieStreamBytesPerGpu">Weights vLLM streams from RAM to each GPU every step (<c>--cpu-offload-gb</c>).</param>
/// <param name="ExpertsPerToken">Routed experts each token picks (top-k); 0 for dense models.</param>
/// <param name="Experts">Routed experts per layer.</param>
/// <param name="Kv">The KV-cache layout (per GPU), for the cache a step reads.</param>
/// <param name="FlopsPerToken">Matrix-multiply FLOPs per token outside attention: 2 x active parameters.</param>
/// <param name="AttentionFlopsPerContextToken">Attention FLOPs per decoded token per attended context token.</param>
/// <param name="MtpDraftBytesPerGpu">Bytes one MTP draft pass reads (its layer's active weights and the LM head).</param>
internal sealed record DecodeCost(
    int Layers,
    double PerLayerOverheadSeconds,
    double PerTokenOverheadSeconds,
    double NonRoutedBytesPerGpu,
    double RoutedBytesPerGpu,
    double RamRoutedBytes,
    double RamDenseBytes,
    double PcieStreamBytesPerGpu,
    int ExpertsPerToken,
    int Experts,
    KvCacheLayout Kv,
    double GpuBytesPerSecond,
    double RamBytesPerSecond,
    double PcieBytesPerSecond,
    double FlopsPerToken,
    double AttentionFlopsPerContextToken,
    double DecodeFlopsPerSecond,
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
        var tokens = (double)sequences * tokensPerSequence;
        var meanContext = contextTokensTotal / sequences;
        var touched = TouchedExpertFraction(tokens);
        var kvRead = sequences * Kv.BytesReadPerDecodedToken(meanContext);
        var gpuBytes = NonRoutedBytesPerGpu + RoutedBytesPerGpu * touched + kvRead;
        var memorySeconds = gpuBytes / GpuBytesPerSecond;
        var attended = Kv.SparseTopK is { } k ? Math.Min(meanContext, k) : meanContext;
        var computeSeconds = tokens * (FlopsPerToken + AttentionFlopsPerContextToken * attended) / DecodeFlopsPerSecond;
        var ramSeconds = (RamRoutedBytes * touched + RamDenseBytes) / RamBytesPerSecond;
        var pcieSeconds = PcieStreamBytesPerGpu / PcieBytesPerSecond;
        return Layers * PerLayerOverheadSeconds + tokens * PerTokenOverheadSeconds
            + Math.Max(memorySeconds, computeSeconds) + ramSeconds + pcieSeconds;
    }

    /// <summary>One MTP draft pass: one layer's overhead and its weights (the MTP layer is one decoder layer).</summary>
    public double DraftSeconds() => PerLayerOverheadSeconds + MtpDraftBytesPerGpu / GpuBytesPerSecond;

    /// <summary>
    /// Fraction of the routed experts a batch of <paramref name="tokens"/> tokens touches: each token picks k of E
    /// experts, so an expert stays unread with probability (1 - k/E)^tokens. One token reads k/E of them; a large
    /// batch reads them all, which is why batched MoE decode gets cheaper per token.
    /// </summary>
    public double TouchedExpertFraction(double tokens) =>
        Experts == 0 ? 1 : 1 - Math.Pow(1 - (double)ExpertsPerToken / Experts, tokens);
}
