using LlmFleet.Catalog.Hardware;
using LlmFleet.Catalog.Models;
using LlmFleet.Catalog.Quantization;
using LlmFleet.Planning.Placement;

namespace LlmFleet.Planning.Performance;

/// <summary>
/// Decode and prefill speed of a placed deployment. Decode is a roofline over the bytes each step reads from where
/// they live (weights and KV cache in GPU memory, offloaded experts in system RAM, weights streamed over PCIe) and
/// its FLOPs, plus a fixed per-layer overhead; prefill is compute-bound over 2 x active parameters plus attention.
/// The efficiencies come from <see cref="EngineProfiles"/> (calibrated, with sources). MTP multiplies decode by its
/// acceptance length at the cost of verifying the draft tokens and running the draft layer.
/// </summary>
internal static class PerformanceEstimator
{
    public static PerformanceEstimate Estimate(PlanContext ctx, PlacementResult p, double? mtpAcceptance, int concurrency)
    {
        var profile = EngineProfiles.For(ctx.Engine);
        var decode = BuildDecodeCost(ctx, p, profile);
        var (computeSecondsPerToken, chunkSeconds) = PrefillCost(ctx, p, profile, decode);
        // The steady prefill rate spreads each chunk's fixed cost over a full chunk; a single prompt pays whole
        // chunks, plus the engine's fixed per-request latency.
        var prefillSecondsPerToken = computeSecondsPerToken + chunkSeconds / profile.PrefillChunkTokens;
        var ttft = profile.RequestOverheadSeconds
            + Math.Ceiling(ctx.ContextTokens / (double)profile.PrefillChunkTokens) * chunkSeconds
            + ctx.ContextTokens * computeSecondsPerToken;
        var stepModel = new RooflineStepTimeModel(decode, prefillSecondsPerToken);
        var c = (double)ctx.ContextTokens;

        // The requested streams, as many as fit, spread over the replicas; each replica steps its share as one batch.
        var perReplicaMax = Math.Max(1, p.MaxConcurrency / Math.Max(1, p.DataParallel));
        var streams = Math.Clamp(concurrency, 1, perReplicaMax * p.DataParallel);
        var batch = (int)Math.Ceiling(streams / (double)Math.Min(p.DataParallel, streams));
        double single, aggregate, acceptance = 1;
        if (mtpAcceptance is { } l && ctx.UsesMtp)
        {
            acceptance = l;
            var draftTokens = DraftTokens(l);
            single = l / (decode.StepSeconds(1, draftTokens + 1, c) + draftTokens * decode.DraftSeconds());
            aggregate = streams * l / (decode.StepSeconds(batch, draftTokens + 1, batch * c) + draftTokens * decode.DraftSeconds());
        }
        else
        {
            single = 1 / decode.StepSeconds(1, 1, c);
            aggregate = streams / decode.StepSeconds(batch, 1, batch * c);
        }
        return new PerformanceEstimate(single, aggregate, streams, 1 / prefillSecondsPerToken,
            ttft, acceptance, stepModel);
    }

    /// <summary>Draft tokens per step for an acceptance length: at most one accepted per draft, plus the bonus token.</summary>
    public static int DraftTokens(double acceptance) => Math.Max(1, (int)Math.Ceiling(acceptance - 1));

    private static DecodeCost BuildDecodeCost(PlanContext ctx, PlacementResult p, EngineProfile profile)
    {
        var a = ctx.Architecture;
        var hw = ctx.Hardware;
        var tp = p.TensorParallel;
        var vllm = ctx.Engine == InferenceEngine.Vllm;
        var ramBandwidth = (ctx.Ram?.BandwidthBytesPerSecond ?? 1) * profile.RamEfficiency;
        var pcie = HardwareCatalog.Default.PcieBytesPerSecond(hw.PcieGeneration);
        var peak = hw.PeakFlopsPerSecond(ctx.Format.Compute);
        return new DecodeCost(
            Layers: a.NumLayers,
            PerLayerOverheadSeconds: profile.PerLayerOverheadSeconds,
            PerTokenOverheadSeconds: profile.PerTokenOverheadSeconds,
            NonRoutedBytesPerGpu: (double)p.GpuNonRoutedBytes / tp,
            RoutedBytesPerGpu: (double)p.GpuRoutedBytes / tp,
            RamRoutedBytes: p.OffloadIsRoutedExperts && a.IsMoe ? p.OffloadBytes : 0,
            RamDenseBytes: p.OffloadIsRoutedExperts && !a.IsMoe ? p.OffloadBytes : 0,
            PcieStreamBytesPerGpu: p.OffloadIsRoutedExperts ? 0 : (double)p.OffloadBytes / (tp * p.PipelineParallel),
            ExpertsPerToken: a.IsMoe ? a.Moe!.ExpertsPerToken : 0,
            Experts: a.IsMoe ? a.Moe!.NumExperts : 0,
            Kv: p.Kv,
            GpuBytesPerSecond: hw.MemoryBandwidthBytesPerSecond * profile.MemoryEfficiency,
            RamBytesPerSecond: ramBandwidth,
            PcieBytesPerSecond: pcie,
            FlopsPerToken: 2.0 * ctx.Parameters.Active,
            AttentionFlopsPerContextToken: DecodeAttentionFlops(a) / (vllm ? tp : 1),
            DecodeFlopsPerSecond: (vllm ? tp : 1) * peak * profile.DecodeComputeEfficiency,
            MtpDraftBytesPerGpu: MtpDraftBytes(ctx) / tp);
    }

    /// <summary>Prefill cost: compute seconds per token, and the fixed seconds of one chunk (step).</summary>
    private static (double ComputeSecondsPerToken, double ChunkSeconds) PrefillCost(PlanContext ctx, PlacementResult p, EngineProfile profile, DecodeCost decode)
    {
        var a = ctx.Architecture;
        var vllm = ctx.Engine == InferenceEngine.Vllm;
        var devices = vllm ? p.TensorParallel : 1;
        var peak = ctx.Hardware.PeakFlopsPerSecond(ctx.Format.Compute) * devices * profile.PrefillComputeEfficiency;
        // A prompt of C tokens attends on average to C/2 earlier tokens (DSA: at most top-k of them, but its
        // indexer scores all of them).
        var meanContext = ctx.ContextTokens / 2.0;
        var attended = a.Attention.Indexer is { } ix && vllm ? Math.Min(meanContext, ix.TopK) : meanContext;
        var indexerFlops = a.Attention.Indexer is { } ix2 && vllm ? 2.0 * ix2.NumHeads * ix2.HeadDim * meanContext * ix2.Layers : 0;
        var flops = 2.0 * ctx.Parameters.Active + PrefillAttentionFlops(a) * attended + indexerFlops;
        // Per chunk: the layer overheads and one full read of the weights on the GPUs (a chunk touches every expert)
        // and, when offloaded, moving the RAM-resident weights to the GPU: llama.cpp copies them for each micro-batch
        // it computes on the GPU; vLLM streams --cpu-offload-gb weights every forward pass.
        var perChunkSeconds = decode.Layers * decode.PerLayerOverheadSeconds
            + (decode.NonRoutedBytesPerGpu + decode.RoutedBytesPerGpu) / decode.GpuBytesPerSecond
            + (decode.RamRoutedBytes + decode.RamDenseBytes) / decode.PcieBytesPerSecond
            + decode.PcieStreamBytesPerGpu / decode.PcieBytesPerSecond;
        return (flops / peak, perChunkSeconds);
    }

    /// <summary>Decode attention FLOPs per attended context token, all layers: MLA runs absorbed (scores against
    /// the 576-wide latent, values from the 512-wide latent); MHA/GQA score and weight every head.</summary>
    private static double DecodeAttentionFlops(ModelArchitecture a)
    {
        var at = a.Attention;
        var perLayer = at.Mla is { } m
            ? 2.0 * at.NumHeads * (2 * m.KvLoraRank + m.QkRopeHeadDim)
            : 4.0 * at.NumHeads * at.HeadDim;
        return perLayer * a.NumLayers;
    }

    /// <summary>Prefill attention FLOPs per attended token, all layers: MLA prefill runs as MHA on decompressed heads.</summary>
    private static double PrefillAttentionFlops(ModelArchitecture a)
    {
        var at = a.Attention;
        var perLayer = at.Mla is { } m
            ? 2.0 * at.NumHeads * (m.QkNopeHeadDim + m.QkRopeHeadDim + m.VHeadDim)
            : 4.0 * at.NumHeads * at.HeadDim;
        return perLayer * a.NumLayers;
    }

    /// <summary>Bytes one MTP draft pass reads: the MTP layer's weights with only top-k of its experts, and the
    /// shared LM head that turns its output into a draft token.</summary>
    private static double MtpDraftBytes(PlanContext ctx)
    {
        if (!ctx.UsesMtp)
        {
            return 0;
        }
        var a = ctx.Architecture;
        double bytes = 0;
        foreach (var (c, count) in ctx.Parameters.MtpByClass)
        {
            var share = c == TensorClass.RoutedExperts && a.IsMoe ? (double)a.Moe!.ExpertsPerToken / a.Moe.NumExperts : 1;
            bytes += count * share * ctx.Format.BitsPerWeight(c) / 8;
        }
        return bytes + ctx.Weights.Of(TensorClass.LmHead);
    }
}
