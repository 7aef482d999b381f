using LlmFleet.Catalog.Models;

namespace LlmFleet.Planning.Tests.Performance;

/// <summary>The step-time model the vLLM twin uses agrees with the plan's own figures.</summary>
public sealed class StepTimeModelTests
{
    private static DeploymentPlan Plan(int concurrency = 1) =>
        Planner.Plan(new PlanRequest(ModelSource.Resolve("glm-5.2"), "fp8", "h200", 8, Context: 8192, Concurrency: concurrency));

    [Fact]
    public void StepTime_OneDecodeAtPlanContext_IsInverseOfSingleStreamRate()
    {
        var p = Plan();
        var step = p.StepTime.StepTime(0, 1, p.ContextTokens).TotalSeconds;
        Assert.Equal(1 / p.DecodeTokensPerSecondSingleStream, step, 1e-6);
    }

    [Fact]
    public void StepTime_PurePrefill_IsTokensOverPrefillRate()
    {
        var p = Plan();
        Assert.Equal(4096 / p.PrefillTokensPerSecond, p.StepTime.StepTime(4096, 0, 0).TotalSeconds, 1e-6);
        Assert.Equal(2 * p.StepTime.StepTime(1000, 0, 0).TotalSeconds, p.StepTime.StepTime(2000, 0, 0).TotalSeconds, 1e-6);
    }

    [Fact]
    public void StepTime_BatchAtPlanConcurrency_MatchesAggregateRate()
    {
        var p = Plan(concurrency: 32);
        Assert.Equal(32, p.AggregateConcurrency);
        var step = p.StepTime.StepTime(0, 32, 32 * p.ContextTokens).TotalSeconds;
        Assert.Equal(32 / p.DecodeTokensPerSecondAggregate, step, 1e-6);
    }

    [Fact]
    public void StepTime_LargerBatch_CostsMoreButLessPerToken()
    {
        var p = Plan();
        var one = p.StepTime.StepTime(0, 1, 8192).TotalSeconds;
        var many = p.StepTime.StepTime(0, 64, 64 * 8192L).TotalSeconds;
        Assert.True(many > one);
        Assert.True(many / 64 < one / 4, "a 64-sequence step should cost far less per token than 64 single steps");
    }

    [Fact]
    public void StepTime_LongerContexts_CostMore()
    {
        var p = Planner.Plan(new PlanRequest(ModelSource.Resolve("llama-3.1-70b"), "bf16", "h100", 4, Context: 131072));
        Assert.True(p.StepTime.StepTime(0, 8, 8 * 131072L) > p.StepTime.StepTime(0, 8, 8 * 1024L));
    }
}
