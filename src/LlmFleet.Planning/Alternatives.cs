using LlmFleet.Catalog.Hardware;
using LlmFleet.Catalog.Quantization;
using LlmFleet.Planning.Placement;

namespace LlmFleet.Planning;

/// <summary>What would fit when a plan does not: more of the same GPU, or a smaller format on the same GPUs.</summary>
internal static class Alternatives
{
    public static IReadOnlyList<string> For(PlanRequest request, QuantizationFormat format, HardwareSpec hardware, PlacementResult failed)
    {
        var result = new List<string>();
        if (!hardware.IsUnifiedMemory && Planner.ChooseEngine(format, hardware, request.Model.Id) == InferenceEngine.Vllm)
        {
            var more = Planner.CandidateCounts(hardware).Where(n => n > (request.Gpus ?? 0))
                .Select(n => TryPlan(request with { Gpus = n, Nodes = null }, format, hardware))
                .FirstOrDefault(p => p is { Fits: true });
            if (more is not null)
            {
                result.Add($"{more.Gpus} x {hardware.Id} (tensor-parallel {more.TensorParallelSize}, pipeline {more.PipelineParallelSize}" +
                    $"{(more.Nodes > 1 ? $", {more.Nodes} nodes" : "")})");
            }
        }
        if (hardware.IsUnifiedMemory && hardware.MemoryOptions.Count > 0)
        {
            var option = hardware.MemoryOptions.Where(o => o.MemoryGb > (request.RamGb ?? 0))
                .FirstOrDefault(o => TryPlan(request with { RamGb = o.MemoryGb }, format, hardware) is { Fits: true });
            if (option is not null)
            {
                result.Add($"{hardware.Id} with {option.MemoryGb} GB");
            }
        }
        // A smaller format the same hardware runs: on the same engine if one fits, largest (most accurate) first.
        var engine = Planner.ChooseEngine(format, hardware, request.Model.Id).ToName();
        var smaller = QuantizationCatalog.Default.All
            .Select(f => (Format: f, Plan: TryPlan(request with { Quantization = f.Id }, f, hardware)))
            .Where(x => x.Plan is { Fits: true } && x.Plan.WeightsBytes < failed.WeightsBytesPerGpu * failed.TensorParallel * failed.PipelineParallel + failed.OffloadBytes + 1
                && x.Format.Id != format.Id)
            .OrderByDescending(x => x.Plan!.Engine == engine)
            .ThenByDescending(x => x.Plan!.WeightsBytes)
            .FirstOrDefault();
        if (smaller.Plan is not null)
        {
            result.Add($"--quant {smaller.Format.Id} ({smaller.Plan.WeightsBytes / 1e9:N0} GB of weights) on the same hardware");
        }
        return result;
    }

    private static DeploymentPlan? TryPlan(PlanRequest request, QuantizationFormat format, HardwareSpec hardware)
    {
        try
        {
            return Planner.PlanOn(request, format, hardware, withAlternatives: false);
        }
        catch (PlanningException)
        {
            return null;
        }
    }
}
