namespace LlmFleet.Operations.Deploy.Kubernetes;

/// <summary>Label keys and values shared by the objects, so Services, PodMonitors and selectors agree.</summary>
internal static class KubernetesLabels
{
    public const string Name = "app.kubernetes.io/name";
    public const string Instance = "app.kubernetes.io/instance";
    public const string PartOf = "app.kubernetes.io/part-of";

    /// <summary><c>server</c> on pods that answer HTTP (single-node pods, LeaderWorkerSet leaders), <c>worker</c> on
    /// headless LeaderWorkerSet workers: the vLLM Service and the PodMonitor select servers only.</summary>
    public const string Role = "llmfleet.io/role";

    public const string ServerRole = "server";
    public const string WorkerRole = "worker";

    public static Dictionary<string, string> For(string name, string instance, string? role = null)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [Name] = name,
            [Instance] = instance,
            [PartOf] = "llmfleet",
        };
        if (role is not null)
        {
            labels[Role] = role;
        }
        return labels;
    }
}
