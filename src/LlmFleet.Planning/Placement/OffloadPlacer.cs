using LlmFleet.Catalog.Models;
using LlmFleet.Planning.Memory;

namespace LlmFleet.Planning.Placement;

/// <summary>
/// llama.cpp and MLX placement. On GPUs, llama.cpp splits layers over the devices and keeps on them everything but
/// the token embedding (which it always leaves in RAM); for MoE models the routed experts of as many layers as do
/// not fit stay in system RAM (<c>--n-cpu-moe N</c>, or <c>-ot ".ffn_.*_exps.=CPU"</c> for all of them), where the
/// CPU computes them. Dense models offload whole layers instead (<c>-ngl</c>). On Apple silicon everything lives in
/// unified memory.
/// </summary>
internal static class OffloadPlacer
{
    /// <summary>Memory the operating system and the rest of the machine keep for themselves.</summary>
    public const long OsReserveBytes = 8_000_000_000;

    public static PlacementResult Place(PlanContext ctx, int gpus)
    {
        var a = ctx.Architecture;
        var w = ctx.Weights;
        var kv = KvCacheSizer.For(a, ctx.Engine, ctx.KvDtype, 1, includeMtpLayer: false);
        var kvBytes = kv.BytesPerSequence(ctx.ContextTokens);

        if (ctx.Hardware.IsUnifiedMemory)
        {
            var unified = ctx.Ram!.Bytes - OsReserveBytes;
            var need = w.TotalBytes + kvBytes + RuntimeOverhead.LlamaCppBufferBytes;
            var budget = unified - w.TotalBytes - RuntimeOverhead.LlamaCppBufferBytes;
            return new PlacementResult(1, 1, 1, 1, w.TotalBytes, w.RoutedExpertBytes, w.NonRoutedBytes, 0, false, 0,
                RuntimeOverhead.LlamaCppBufferBytes, budget, kv, ctx.ContextTokens, 1, Math.Max(0, need - unified),
                need > unified ? "unified memory too small" : null);
        }

        var perGpuUsable = ctx.Hardware.MemoryBytes!.Value - RuntimeOverhead.LlamaCppBufferBytes;
        var gpuUsable = perGpuUsable * gpus;
        var embedding = w.Of(TensorClass.Embedding);
        var offloadable = a.IsMoe ? w.RoutedExpertBytes : w.TotalBytes - embedding - w.Of(TensorClass.LmHead);
        var mustBeOnGpu = w.TotalBytes - embedding - offloadable + kvBytes;
        var room = gpuUsable - mustBeOnGpu;
        var offloadLayers = a.NumLayers + (w.MtpBytes > 0 ? a.MtpLayers : 0) - (a.IsMoe ? a.DenseLayers : 0);
        var perLayer = offloadable / Math.Max(1, offloadLayers);

        var cpuLayers = room >= offloadable ? 0 : (int)Math.Min(offloadLayers, Math.Ceiling((offloadable - Math.Max(0, room)) / (double)perLayer));
        var offload = cpuLayers == offloadLayers ? offloadable : cpuLayers * perLayer;
        var onGpu = offloadable - offload;
        long shortfall = 0;
        string? problem = null;
        if (room < 0)
        {
            shortfall = -room;
            problem = $"the non-offloadable weights and the {ctx.ContextTokens:N0}-token KV cache need {mustBeOnGpu / 1e9:N1} GB of GPU memory";
        }
        var ramNeed = offload + embedding + OsReserveBytes;
        // The embedding table always stays in RAM, but any host has room for it: RAM only matters with offload.
        if (offload > 0 && shortfall == 0)
        {
            var ram = ctx.Ram?.Bytes ?? 0;
            if (ram < ramNeed)
            {
                shortfall = ramNeed - ram;
                problem = ctx.Ram is null
                    ? $"{offload / 1e9:N0} GB of weights must go to system RAM: pass --ram-gb"
                    : "system RAM too small for the offloaded weights";
            }
        }
        var budgetPerGpu = (room - onGpu) / gpus + kvBytes / gpus;
        return new PlacementResult(1, 1, 1, 1, (w.TotalBytes - embedding - offload) / gpus,
            a.IsMoe ? onGpu : 0, w.TotalBytes - embedding - offloadable + (a.IsMoe ? 0 : onGpu), offload,
            OffloadIsRoutedExperts: true, cpuLayers, RuntimeOverhead.LlamaCppBufferBytes, budgetPerGpu, kv,
            ctx.ContextTokens, 1, shortfall, problem);
    }
}
