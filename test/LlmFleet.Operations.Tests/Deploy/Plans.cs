using LlmFleet.Catalog.Models;
using LlmFleet.Operations.Deploy;
using LlmFleet.Planning;

namespace LlmFleet.Operations.Tests.Deploy;

/// <summary>Real plans from the real planner, as <c>llmfleet deploy</c> makes them.</summary>
internal static class Plans
{
    public static DeploymentPlan For(string model, string quant, string gpu, int gpus) =>
        Planner.Plan(new PlanRequest(ModelSource.Resolve(model), quant, gpu, gpus));

    /// <summary>GLM-5.2 FP8 on two 8 × H100 nodes: the multi-node case.</summary>
    public static DeployRequest Glm52OnTwoH100Nodes(DeployTarget target = DeployTarget.Kubernetes, int replicas = 1) =>
        new(For("glm-5.2", "fp8", "h100", 16), target, replicas);

    /// <summary>GLM-4.5-Air FP8 on 2 × H100: four of these fill one 8-GPU host.</summary>
    public static DeployRequest Glm45AirOnTwoH100(DeployTarget target, int replicas = 4) =>
        new(For("glm-4.5-air", "fp8", "h100", 2), target, replicas);

    public static string File(IReadOnlyList<DeployFile> files, string path) =>
        files.Single(f => f.Path == path).Content;
}
