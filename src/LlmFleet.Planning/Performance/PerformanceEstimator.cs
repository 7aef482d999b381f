using LlmFleet.Catalog.Hardware;
using LlmFleet.Catalog.Models;
using LlmFleet.Catalog.Quantization;
using LlmFleet.Planning.Placement;

namespace LlmFleet.Planning.Performance;

/// <summary>
/// Decode and prefill speed of a placed deployment from the step-time model (<see cref="DecodeCost"/>): the GPUs'
/// kernel efficiencies and the engine's own costs come from <see cref="Calibration"/>. MTP multiplies decode by its
/// acceptance length at the cost of verifying the draft tokens and running the draft layer. Goodput is the highest
/// concurrency per replica that still meets the interactivity target.
/// </summary>
internal static class PerformanceEstimator
{
    public static PerformanceEstimate Estimate(PlanContext ctx, PlacementResult p, double? mtpAcceptance, int concurrency,
        InteractivityTarget target)
    {
        var profile = ctx.Calibration.For(ctx.Engine);
        var decode = BuildDecodeCost(ctx, p, profile);
        var (computeSecondsPerToken, chunkSeconds) = PrefillCost(ctx, p, decode);
        // The steady prefill rate spreads each chunk's fixed cost over a full chunk; a single prompt pays whole
        // chunks, plus the engine's fixed per-request latency.
        var prefillSecondsPerToken = computeSecondsPerToken + chunkSeconds / ctx.PrefillChunkTokens;
        var stepModel = new RooflineStepTimeModel(decode, prefillSecondsPerToken);
        var c = (double)ctx.ContextTokens;
        var acceptance = mtpAcceptance is { } l && ctx.UsesMtp ? l : 1;
        var draftTokens = acceptance > 1 ? DraftTokens(acceptance) : 0;

        // Per-stream decode speed with B sequences per replica: each step yields `acceptance` tokens per sequence.
        double StreamSpeed(int b) => acceptance / (draftTokens > 0
            ? decode.StepSeconds(b, draftTokens + 1, b * c) + draftTokens * decode.DraftSeconds()
            : decode.StepSeconds(b, 1, b * c));
        // A full-context prompt arriving while B others decode: each of its chunks shares a step with their decode.
        double Ttft(int othersDecoding)
        {
            // The chunk already reads every weight; the others add their KV reads and collectives (their bookkeeping
            // runs on the CPU, under the chunk's GPU time).
            var others = decode.Terms(othersDecoding, 1, c);
            var sharing = othersDecoding > 0 ? others.Attention + others.Communication : 0;
            return profile.RequestOverheadSeconds
                + Math.Ceiling(c / ctx.PrefillChunkTokens) * (chunkSeconds + sharing)
                + c * computeSecondsPerToken;
        }

        // The requested streams, as many as fit, spread over the replicas; each replica steps its share as one batch.
        var perReplicaMax = Math.Max(1, p.MaxConcurrency / Math.Max(1, p.DataParallel));
        var streams = Math.Clamp(concurrency, 1, perReplicaMax * p.DataParallel);
        var batch = (int)Math.Ceiling(streams / (double)Math.Min(p.DataParallel, streams));
        var single = StreamSpeed(1);
        var aggregate = streams * StreamSpeed(batch);
        var goodput = Goodput(perReplicaMax, StreamSpeed, Ttft, target);
        return new PerformanceEstimate(single, aggregate, streams, 1 / prefillSecondsPerToken, Ttft(0), acceptance,
            goodput, stepModel);
    }

    /// <summary>The largest batch per replica (up to what the KV cache holds) whose streams still decode at the target
    /// speed and whose new arrivals still see their first token in time. Speed falls and TTFT grows with the batch,
    /// so a bisection finds it.</summary>
    private static GoodputEstimate Goodput(int maxPerReplica, Func<int, double> streamSpeed, Func<int, double> ttft,
        InteractivityTarget target)
    {
        bool Meets(int b) => streamSpeed(b) >= target.MinStreamTokensPerSecond && ttft(b - 1) <= target.MaxTtftSeconds;
        if (!Meets(1))
        {
            return new GoodputEstimate(0, streamSpeed(1), 0, ttft(0), target.MinStreamTokensPerSecond, target.MaxTtftSeconds);
        }
        int lo = 1, hi = maxPerReplica;
        while (lo < hi)
        {
            var mid = lo + (hi - lo + 1) / 2;
            if (Meets(mid))
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }
        var speed = streamSpeed(lo);
        return new GoodputEstimate(lo, speed, lo * speed, ttft(lo - 1), target.MinStreamTokensPerSecond, target.MaxTtftSeconds);
    }

    /// <summary>Draft tokens per step for an acceptance length: at most one accepted per draft, plus the bonus token.</summary>
    public static int DraftTokens(double acceptance) => Math.Max(1, (int)Math.Ceiling(acceptance - 1));

    private static DecodeCost BuildDecodeCost(PlanContext ctx, PlacementResult p, EngineProfile profile)
    {
        var a = ctx.Architecture;
        var hw = ctx.Hardware;
        var vllm = ctx.Engine == InferenceEngine.Vllm;
        // llama.cpp and MLX split layers over devices: each device computes its layers alone, one after another.
        var tp = vllm ? p.TensorParallel : 1;
        var epGroup = p.ExpertParallel ? p.DataParallel : 1;
        var routedShards = tp * epGroup;
        var parameters = ctx.Parameters;
        var w = ctx.Weights;
        // The token embedding is a table lookup: only its rows are read. A tied head is the same matrix, multiplied.
        var embeddingBytes = a.TieWordEmbeddings ? 0 : w.Of(TensorClass.Embedding);
        var embeddingParams = a.TieWordEmbeddings ? 0 : parameters.Of(TensorClass.Embedding);
        var denseParams = parameters.Total - parameters.Of(TensorClass.RoutedExperts) - embeddingParams;
        var ramBandwidth = (ctx.Ram?.BandwidthBytesPerSecond ?? 1) * profile.RamEfficiency;
        var nodeLink = hw.Interconnect == "pcie" ? HardwareCatalog.Default.PcieBytesPerSecond(hw.PcieGeneration) : hw.InterconnectBytesPerSecond;
        var gpuNonRouted = vllm ? Math.Max(0, p.GpuNonRoutedBytes - embeddingBytes) : p.GpuNonRoutedBytes;
        return new DecodeCost(
            Layers: a.NumLayers,
            MoeLayers: a.IsMoe ? a.MoeLayers : 0,
            MlaLayers: a.Attention.Mla is null ? 0 : a.NumLayers,
            // Every layer of a DSA model selects its top-k tokens, also where it reuses another layer's indexer keys.
            IndexerLayers: vllm && a.Attention.Indexer is not null ? a.NumLayers : 0,
            Engine: profile,
            Kernels: ctx.Calibration.Kernels(hw.Id),
            HbmBytesPerSecond: hw.MemoryBandwidthBytesPerSecond,
            PeakFlopsPerSecond: hw.PeakFlopsPerSecond(ctx.Format.Compute),
            DenseBytesPerGpu: (double)gpuNonRouted / tp,
            DenseFlopsPerToken: 2.0 * denseParams / tp,
            RoutedBytesPerGpu: (double)p.GpuRoutedBytes / routedShards,
            RoutedFlopsPerToken: 2.0 * parameters.ActiveRoutedExperts / routedShards,
            ExpertsPerToken: a.IsMoe ? a.Moe!.ExpertsPerToken : 0,
            Experts: a.IsMoe ? a.Moe!.NumExperts : 0,
            ExpertGroupReplicas: epGroup,
            Kv: p.Kv,
            AttentionFlopsPerContextToken: DecodeAttentionFlops(a) / tp,
            TensorParallel: tp,
            ExpertParallelRanks: p.ExpertParallel ? tp * p.DataParallel : 0,
            PipelineParallel: vllm ? p.PipelineParallel : 1,
            AllReduceLatencySeconds: hw.Interconnect == "pcie" ? profile.PcieAllReduceLatencySeconds : profile.AllReduceLatencySeconds,
            LinkBytesPerSecond: nodeLink * profile.InterconnectEfficiency,
            HiddenBytes: a.HiddenSize * 2.0,
            RamRoutedBytes: p.OffloadIsRoutedExperts && a.IsMoe ? p.OffloadBytes : 0,
            RamDenseBytes: p.OffloadIsRoutedExperts && !a.IsMoe ? p.OffloadBytes : 0,
            RamBytesPerSecond: ramBandwidth,
            PcieStreamBytesPerGpu: p.OffloadIsRoutedExperts ? 0 : (double)p.OffloadBytes / (tp * p.PipelineParallel),
            PcieBytesPerSecond: HardwareCatalog.Default.PcieBytesPerSecond(hw.PcieGeneration),
            MtpDraftBytesPerGpu: MtpDraftBytes(ctx) / tp);
    }

    /// <summary>Prefill cost: compute seconds per token, and the fixed seconds of one chunk (step).</summary>
    private static (double ComputeSecondsPerToken, double ChunkSeconds) PrefillCost(PlanContext ctx, PlacementResult p, DecodeCost decode)
    {
        var a = ctx.Architecture;
        var vllm = ctx.Engine == InferenceEngine.Vllm;
        var devices = vllm ? p.TensorParallel : 1;
        var peak = ctx.Hardware.PeakFlopsPerSecond(ctx.Format.Compute) * devices * decode.Kernels.Prefill;
        // A prompt of C tokens attends on average to C/2 earlier tokens (DSA: at most top-k of them, but its
        // indexer scores all of them).
        var meanContext = ctx.ContextTokens / 2.0;
        var attended = a.Attention.Indexer is { } ix && vllm ? Math.Min(meanContext, ix.TopK) : meanContext;
        var indexerFlops = a.Attention.Indexer is { } ix2 && vllm ? 2.0 * ix2.NumHeads * ix2.HeadDim * meanContext * ix2.Layers : 0;
        var flops = decode.DenseFlopsPerToken * devices + 2.0 * ctx.Parameters.ActiveRoutedExperts
            + PrefillAttentionFlops(a) * attended + indexerFlops;
        // Per chunk (its serving work runs on the CPU under the chunk's GPU time): the kernel floor of one step, one
        // full read of the weights on the GPUs (a chunk touches every expert), the chunk's all-reduces and, when
        // offloaded, moving the RAM-resident weights to the GPU: llama.cpp copies them for each micro-batch it
        // computes on the GPU; vLLM streams --cpu-offload-gb weights every forward pass.
        var idle = decode.Terms(1, 1, 0);
        var perChunkSeconds = idle.KernelFloor
            + decode.DenseBytesPerGpu / (decode.HbmBytesPerSecond * decode.Kernels.Hbm)
            + decode.RoutedBytesPerGpu / (decode.HbmBytesPerSecond * decode.Kernels.Moe)
            + decode.CommunicationSeconds(ctx.PrefillChunkTokens)
            + (decode.RamRoutedBytes + decode.RamDenseBytes + decode.PcieStreamBytesPerGpu) / decode.PcieBytesPerSecond;
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
