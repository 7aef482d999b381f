using LlmFleet.Planning;
using LlmFleet.Planning.Cost;

namespace LlmFleet.Operations.Deploy;

/// <summary>What to generate: a plan that fits, where it runs, and how many copies of it.</summary>
/// <param name="Plan">A vLLM plan with <see cref="DeploymentPlan.Fits"/> true.</param>
/// <param name="Replicas">Independent copies of the plan's server, each with the plan's GPUs (default 1).</param>
/// <param name="Namespace">Kubernetes namespace of every object and of the gateway's discovery (default <c>default</c>).</param>
/// <param name="GatewayImage">The gateway's image (default <see cref="DefaultGatewayImage"/>, which the bundle's README builds).</param>
/// <param name="RepositoryDirectory">A checkout of this repository: compose bundles then build the gateway image from it.</param>
/// <param name="TokensPerDay">Expected use: when given, the gateway's <c>fleet.yaml</c> prices the pool's tokens at what
/// <c>llmfleet cost</c> finds for <paramref name="PriceOption"/> at this use.</param>
/// <param name="PriceOption"><c>buy</c> (owned GPUs, default) or <c>rent</c>.</param>
public sealed record DeployRequest(DeploymentPlan Plan, DeployTarget Target, int Replicas = 1, string Namespace = "default",
    string? GatewayImage = null, string? RepositoryDirectory = null, double? TokensPerDay = null, string PriceOption = CostOptions.Buy)
{
    /// <summary><c>llmfleet:&lt;version&gt;</c>: the image of this very version, built from the repository's Dockerfile.</summary>
    public static string DefaultGatewayImage => $"llmfleet:{ProductVersion.Current.Version}";

    public string Image => GatewayImage ?? DefaultGatewayImage;
}
