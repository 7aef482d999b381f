using LlmFleet.Catalog.Models;
using LlmFleet.Planning;
using LlmFleet.Planning.Performance;

namespace LlmFleet.Simulation.Hosting;

/// <summary>The planner's KV capacity, step times and context for the twin's deployment (one vLLM replica).</summary>
internal static class PlannerProfile
{
    /// <exception cref="ArgumentException">The planner cannot plan it, or it does not fit (vLLM would not start).</exception>
    public static (long KvCacheTokens, IStepTimeModel StepTime, long Context) Plan(TwinOptions options, ModelSource source)
    {
        DeploymentPlan plan;
        try
        {
            plan = Planner.Plan(new PlanRequest(source, options.Quantization, options.Gpu, options.Gpus,
                Context: options.MaxModelLen, Concurrency: options.MaxNumSeqs, KvDtype: options.KvDtype,
                GpuMemoryUtilization: options.GpuMemoryUtilization));
        }
        catch (PlanningException e)
        {
            throw new ArgumentException(e.Message, e);
        }
        if (!plan.Fits)
        {
            throw new ArgumentException(
                $"{source.Id} ({options.Quantization}) does not fit on {options.Gpus}× {options.Gpu}; vLLM would not start" +
                (plan.Alternatives.Count > 0 ? $". Would fit: {string.Join("; ", plan.Alternatives)}" : ""));
        }
        return (options.KvCacheTokens ?? plan.KvCacheTokens, options.StepTimeModel ?? plan.StepTime, plan.ContextTokens);
    }
}
