namespace LlmFleet.Operations.Deploy;

/// <summary>Where the generated files run.</summary>
public enum DeployTarget
{
    /// <summary>One host, <c>docker compose up</c>.</summary>
    Compose,
    /// <summary>One host, systemd units that run the vLLM image with Docker.</summary>
    Systemd,
    /// <summary>A cluster: Deployment or LeaderWorkerSet, Services, PodMonitor, KEDA ScaledObject, the gateway.</summary>
    Kubernetes,
    /// <summary>A values file for the vLLM production-stack Helm chart.</summary>
    ProductionStack,
}

/// <summary>The names <c>--target</c> accepts.</summary>
public static class DeployTargets
{
    public const string Compose = "compose";
    public const string Systemd = "systemd";
    public const string Kubernetes = "kubernetes";
    public const string ProductionStack = "production-stack";

    public static IReadOnlyList<string> All { get; } = [Compose, Systemd, Kubernetes, ProductionStack];

    public static bool TryParse(string name, out DeployTarget target)
    {
        (var ok, target) = name switch
        {
            Compose => (true, DeployTarget.Compose),
            Systemd => (true, DeployTarget.Systemd),
            Kubernetes => (true, DeployTarget.Kubernetes),
            ProductionStack => (true, DeployTarget.ProductionStack),
            _ => (false, default),
        };
        return ok;
    }
}
