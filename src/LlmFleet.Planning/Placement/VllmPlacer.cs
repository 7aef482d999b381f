using LlmFleet.Catalog.Quantization;
using LlmFleet.Planning.Memory;

namespace LlmFleet.Planning.Placement;

/// <summary>
/// vLLM placement: the smallest tensor-parallel size (within a node) whose share of the weights leaves room on each
/// GPU for at least one full-context sequence; then pipeline stages across nodes; the remaining GPUs become
/// data-parallel replicas. With <c>--ram-gb</c>, weights that still do not fit can go to <c>--cpu-offload-gb</c>.
/// </summary>
internal static class VllmPlacer
{
    public static PlacementResult Place(PlanContext ctx, int gpus, int nodes)
    {
        var perNode = gpus / nodes;
        var tps = TensorParallelSizes(ctx, perNode);
        foreach (var tp in tps)
        {
            var r = Evaluate(ctx, tp, 1, gpus / tp, nodes, allowCpuOffload: false);
            if (r.Fits)
            {
                return r;
            }
        }
        var maxTp = tps[^1];
        for (var pp = 2; pp <= nodes && maxTp * pp <= gpus; pp++)
        {
            if (gpus % (maxTp * pp) != 0)
            {
                continue;
            }
            var r = Evaluate(ctx, maxTp, pp, gpus / (maxTp * pp), nodes, allowCpuOffload: false);
            if (r.Fits)
            {
                return r;
            }
        }
        var widestPp = Math.Max(1, Math.Min(nodes, gpus / maxTp));
        var widest = Evaluate(ctx, maxTp, widestPp, Math.Max(1, gpus / (maxTp * widestPp)), nodes, allowCpuOffload: ctx.Ram is not null);
        return widest;
    }

    /// <summary>Powers of two up to the GPUs in one node that divide the attention heads (vLLM requires it).</summary>
    private static List<int> TensorParallelSizes(PlanContext ctx, int perNode)
    {
        var heads = ctx.Architecture.Attention.NumHeads;
        var list = new List<int>();
        for (var tp = 1; tp <= perNode; tp *= 2)
        {
            if (heads % tp == 0)
            {
                list.Add(tp);
            }
        }
        return list;
    }

    public static PlacementResult Evaluate(PlanContext ctx, int tp, int pp, int dp, int nodes, bool allowCpuOffload)
    {
        var a = ctx.Architecture;
        var w = ctx.Weights;
        var shards = tp * pp;
        var weightsPerGpu = w.TotalBytes / shards;
        var overhead = RuntimeOverhead.VllmPerGpu(a, tp);
        var usable = (long)(ctx.Hardware.MemoryBytes!.Value * ctx.GpuMemoryUtilization);
        var kv = KvCacheSizer.For(a, InferenceEngine.Vllm, ctx.KvDtype, tp, ctx.UsesMtp);
        var perTokenPerGpu = Math.Max(1, kv.BytesPerToken / pp);
        var oneSequence = kv.BytesPerSequence(ctx.ContextTokens) / pp;
        var budget = usable - weightsPerGpu - overhead;

        long offloadPerGpu = 0;
        if (budget < oneSequence && allowCpuOffload)
        {
            // --cpu-offload-gb is per GPU: enough to leave one full-context sequence, rounded up to a whole GB.
            offloadPerGpu = (long)Math.Ceiling((oneSequence - budget) / 1e9) * 1_000_000_000L;
            offloadPerGpu = Math.Min(offloadPerGpu, weightsPerGpu);
            budget += offloadPerGpu;
        }
        var offload = offloadPerGpu * shards;
        string? problem = null;
        long shortfall = 0;
        if (budget < oneSequence)
        {
            shortfall = (oneSequence - budget) * shards;
        }
        else if (offload > 0 && ctx.Ram is { } ram && offload > ram.Bytes - OffloadPlacer.OsReserveBytes)
        {
            shortfall = offload - (ram.Bytes - OffloadPlacer.OsReserveBytes);
            problem = "system RAM too small for the CPU-offloaded weights";
        }
        var kvTokens = Math.Max(0, budget) / perTokenPerGpu;
        var concurrency = oneSequence > 0 ? (int)Math.Min(int.MaxValue / Math.Max(1, dp), Math.Max(0, budget) / oneSequence) * dp : 0;
        var routed = w.RoutedExpertBytes - (long)(w.RoutedExpertBytes * (double)offload / Math.Max(1, w.TotalBytes));
        var nonRouted = w.TotalBytes - w.RoutedExpertBytes - (offload - (w.RoutedExpertBytes - routed));
        return new PlacementResult(tp, pp, dp, nodes, weightsPerGpu - offloadPerGpu, routed, nonRouted, offload,
            OffloadIsRoutedExperts: false, CpuMoeLayers: 0, overhead, budget, kv, kvTokens, concurrency, shortfall, problem);
    }
}
