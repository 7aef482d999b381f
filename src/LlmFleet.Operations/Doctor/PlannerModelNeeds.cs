using System.Globalization;
using LlmFleet.Catalog.Models;
using LlmFleet.Planning;

namespace LlmFleet.Operations.Doctor;

/// <summary>
/// Asks the planner (the same code as <c>llmfleet plan</c>) what the named model needs on the GPUs nvidia-smi found:
/// their catalog id (Data/gpu-names.json) and count, and this host's RAM for offload.
/// </summary>
public sealed class PlannerModelNeeds : IModelNeedsSource
{
    public async Task<ModelNeeds> GetAsync(DoctorContext context)
    {
        var options = context.Options;
        var model = ModelSource.Resolve(options.Model!);
        var smi = await context.NvidiaSmiAsync();
        var ramGb = context.Memory is { } mem ? mem.TotalBytes / 1e9 : (double?)null;
        var gpuName = smi.HasGpus ? smi.Gpus.GroupBy(g => g.Name).MaxBy(g => g.Count())!.Key : null;
        var hardwareId = gpuName is null ? null : DoctorData.HardwareIdFor(gpuName);
        var gpus = gpuName is null ? 0 : smi.Gpus.Count(g => g.Name == gpuName);
        try
        {
            if (hardwareId is null)
            {
                // Sizes still come from the planner; only the fit verdict needs a catalogued GPU.
                var sizes = Planner.Plan(new PlanRequest(model, options.Quantization, RamGb: ramGb));
                var why = gpuName is null
                    ? $"no verdict on fit: {smi.Absent}"
                    : $"no verdict on fit: GPU '{gpuName}' is not in the hardware catalog (see `llmfleet hardware`)";
                return new ModelNeeds(model.Id, sizes.WeightsBytes, sizes.OffloadBytes, null, why,
                    [$"{model.Id} at {sizes.Quantization}: {Sizes.Gb(sizes.WeightsBytes)} of weights"], null, null);
            }
            var plan = Planner.Plan(new PlanRequest(model, options.Quantization, Gpu: hardwareId, Gpus: gpus, RamGb: ramGb));
            return From(plan, gpus, hardwareId);
        }
        catch (PlanningException e)
        {
            return ModelNeeds.None($"the planner cannot plan {model.Id} at {options.Quantization}: {e.Message}");
        }
    }

    private static ModelNeeds From(DeploymentPlan plan, int gpus, string hardwareId)
    {
        var c = CultureInfo.InvariantCulture;
        var evidence = new List<string>
        {
            $"{plan.ModelId} at {plan.Quantization}: {Sizes.Gb(plan.WeightsBytes)} of weights on {gpus} × {hardwareId} ({plan.Engine})",
            $"layout: TP {plan.TensorParallelSize}, PP {plan.PipelineParallelSize}, DP {plan.DataParallelSize}; " +
                $"{Sizes.Gb(plan.WeightsBytesPerGpu)} of weights per GPU, {Sizes.Gb(plan.OffloadBytes)} offloaded to RAM",
        };
        evidence.AddRange(plan.Warnings.Select(w => $"planner: {w}"));
        if (plan.Fits)
        {
            var verdict = $"{plan.ModelId} fits on {gpus} × {hardwareId}: KV cache {plan.KvCacheTokens.ToString("N0", c)} tokens, " +
                $"context {plan.ContextTokens.ToString("N0", c)}";
            evidence.Add($"start it with: {plan.Command}");
            return new ModelNeeds(plan.ModelId, plan.WeightsBytes, plan.OffloadBytes, true, verdict, evidence, null, null);
        }
        var fix = plan.Alternatives.Count > 0
            ? "Instead: " + string.Join("; ", plan.Alternatives)
            : "Add GPUs or choose a smaller quantization (`llmfleet plan` lists what fits).";
        return new ModelNeeds(plan.ModelId, plan.WeightsBytes, plan.OffloadBytes, false,
            $"{plan.ModelId} at {plan.Quantization} does not fit on {gpus} × {hardwareId}: {Sizes.Gb(plan.ShortfallBytes)} short", evidence, fix, null);
    }
}
