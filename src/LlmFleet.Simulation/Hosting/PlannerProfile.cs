using LlmFleet.Catalog.Models;
using LlmFleet.Planning.Performance;

namespace LlmFleet.Simulation.Hosting;

/// <summary>The planner's KV capacity, step times and context for the twin's deployment.</summary>
internal static class PlannerProfile
{
    public static (long KvCacheTokens, IStepTimeModel StepTime, long Context) Plan(TwinOptions options, ModelSource source) =>
        throw new ArgumentException($"the planner is not available yet for {source.Id}; give KvCacheTokens and StepTimeModel");
}
