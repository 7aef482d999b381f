using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using LlmFleet.Catalog.Models;
using LlmFleet.Planning;
using LlmFleet.Planning.Placement;

// What one `llmfleet plan` costs in the planner itself (the CLI adds process start and rendering). The target is under
// 200 ms a call. Usage: dotnet run -c Release --project bench/planning/PlannerBench [-- --filter '*']
BenchmarkRunner.Run<PlannerBenchmarks>(args: args);

/// <summary>
/// The planner's calls, from the cheapest (one forced layout, the reference) to the dearest (neither GPU nor format
/// given: every configuration of every tier planned with every format it runs, each a search over layouts with a
/// goodput bisection).
/// </summary>
[MemoryDiagnoser]
public class PlannerBenchmarks
{
    private static readonly ModelSource Glm52 = ModelSource.Resolve("glm-5.2");
    private static readonly ModelSource GptOss120b = ModelSource.Resolve("gpt-oss-120b");

    [Benchmark(Baseline = true, Description = "gpt-oss-120b mxfp4 on 4xA100, forced TP4")]
    public DeploymentPlan ForcedLayout() => Planner.Plan(new PlanRequest(GptOss120b, "mxfp4-moe", "a100", 4, Context: 16384,
        GpuMemoryUtilization: 0.8, Layout: new LayoutRequest(4, null, null, null)));

    [Benchmark(Description = "glm-5.2 fp8 on 8xH200, layout chosen")]
    public DeploymentPlan ChosenLayout() => Planner.Plan(new PlanRequest(Glm52, "fp8", "h200", 8));

    [Benchmark(Description = "glm-5.2 fp8, no GPU given: every tier")]
    public DeploymentPlan EveryTier() => Planner.Plan(new PlanRequest(Glm52, "fp8"));

    [Benchmark(Description = "glm-5.2, no GPU or format given: every tier, every format")]
    public DeploymentPlan EveryTierEveryFormat() => Planner.Plan(new PlanRequest(Glm52, null));
}
