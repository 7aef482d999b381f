using LlmFleet.Catalog.Quantization;
using LlmFleet.Planning.Memory;

namespace LlmFleet.Planning.Placement;

/// <summary>
/// vLLM placement. <see cref="Candidates"/> lists the layouts an expert would weigh for a GPU count: each tensor-parallel
/// size within a node (powers of two that divide the attention heads), pipeline stages across nodes when a node's
/// GPUs cannot hold it, the remaining GPUs as data-parallel replicas, and for MoE models with and without expert
/// parallelism. The planner keeps the one that fits with the highest goodput. With <c>--ram-gb</c>, weights that
/// still do not fit can go to <c>--cpu-offload-gb</c>. A layout the user forces is evaluated as given.
/// </summary>
internal static class VllmPlacer
{
    public static IReadOnlyList<PlacementResult> Candidates(PlanContext ctx, int gpus, int nodes)
    {
        var perNode = gpus / nodes;
        var tps = TensorParallelSizes(ctx, perNode);
        var fitting = new List<PlacementResult>();
        foreach (var tp in tps)
        {
            foreach (var ep in ExpertParallelChoices(ctx, tp, gpus / tp, perNode))
            {
                var r = Evaluate(ctx, tp, 1, gpus / tp, nodes, ep, allowCpuOffload: false);
                if (r.Fits)
                {
                    fitting.Add(r);
                }
            }
        }
        if (fitting.Count > 0)
        {
            return fitting;
        }
        var maxTp = tps[^1];
        for (var pp = 2; pp <= nodes && maxTp * pp <= gpus; pp++)
        {
            if (gpus % (maxTp * pp) != 0)
            {
                continue;
            }
            var r = Evaluate(ctx, maxTp, pp, gpus / (maxTp * pp), nodes, ep: false, allowCpuOffload: false);
            if (r.Fits)
            {
                return [r];
            }
        }
        var widestPp = Math.Max(1, Math.Min(nodes, gpus / maxTp));
        return [Evaluate(ctx, maxTp, widestPp, Math.Max(1, gpus / (maxTp * widestPp)), nodes, ep: false, allowCpuOffload: ctx.Ram is not null)];
    }

    /// <summary>The layout the user asked for: members left out are 1 (or what the GPU count leaves for them).</summary>
    /// <exception cref="PlanningException">The layout does not multiply to the GPU count, or TP does not divide the heads.</exception>
    public static PlacementResult Forced(PlanContext ctx, LayoutRequest layout, int? gpus, int nodes)
    {
        var tp = layout.TensorParallel;
        var pp = layout.PipelineParallel;
        var dp = layout.DataParallel;
        if (gpus is { } n)
        {
            var known = (tp ?? 1) * (pp ?? 1) * (dp ?? 1);
            if (n % known != 0)
            {
                throw new PlanningException($"--tensor-parallel-size {tp ?? 1} × --pipeline-parallel-size {pp ?? 1} × --data-parallel-size {dp ?? 1} = {known} does not divide --gpus {n}");
            }
            var rest = n / known;
            // The GPUs left over go to the first member not given: TP within a node, else replicas.
            if (tp is null)
            {
                tp = rest;
            }
            else if (dp is null)
            {
                dp = rest;
            }
            else if (pp is null)
            {
                pp = rest;
            }
            else if (rest != 1)
            {
                throw new PlanningException($"--tensor-parallel-size {tp} × --pipeline-parallel-size {pp} × --data-parallel-size {dp} = {known}, not --gpus {n}");
            }
        }
        var (t, p, d) = (tp ?? 1, pp ?? 1, dp ?? 1);
        var heads = ctx.Architecture.Attention.NumHeads;
        if (heads % t != 0)
        {
            throw new PlanningException($"--tensor-parallel-size {t} does not divide {ctx.Model.Id}'s {heads} attention heads (vLLM requires it)");
        }
        var ep = layout.ExpertParallel ?? false;
        if (ep && !ctx.Architecture.IsMoe)
        {
            throw new PlanningException($"--enable-expert-parallel: {ctx.Model.Id} has no routed experts");
        }
        return Evaluate(ctx, t, p, d, nodes, ep, allowCpuOffload: ctx.Ram is not null);
    }

    /// <summary>Expert parallelism is a choice for MoE models with more than one rank to spread experts over, within one
    /// node: across nodes its all-to-alls need an RDMA fabric and DeepEP-style kernels, a set-up the planner does not
    /// assume (it can still be forced with --enable-expert-parallel).</summary>
    private static bool[] ExpertParallelChoices(PlanContext ctx, int tp, int dp, int perNode) =>
        ctx.Architecture.IsMoe && tp * dp > 1 && tp * dp <= perNode ? [false, true] : [false];

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

    /// <summary>Memory of one GPU under a layout: the non-routed weights sliced by TP × PP; the routed experts sliced
    /// by TP × PP, and further spread over the replicas under expert parallelism (vLLM's EP group is TP × DP).</summary>
    public static PlacementResult Evaluate(PlanContext ctx, int tp, int pp, int dp, int nodes, bool ep, bool allowCpuOffload)
    {
        var a = ctx.Architecture;
        var w = ctx.Weights;
        var shards = tp * pp;
        var weightsPerGpu = w.NonRoutedBytes / shards + w.RoutedExpertBytes / (shards * (ep ? dp : 1));
        var overhead = RuntimeOverhead.VllmPerGpu(a, tp, ctx.Hardware);
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
            OffloadIsRoutedExperts: false, CpuMoeLayers: 0, overhead, budget, kv, kvTokens, concurrency, shortfall, problem)
        {
            ExpertParallel = ep,
        };
    }
}
