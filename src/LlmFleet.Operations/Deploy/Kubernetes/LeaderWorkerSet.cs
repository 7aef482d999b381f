using System.Text.Json.Serialization;
using k8s.Models;

namespace LlmFleet.Operations.Deploy.Kubernetes;

/// <summary>
/// The LeaderWorkerSet custom resource (leaderworkerset.x-k8s.io/v1, kubernetes-sigs/lws), only the fields we set:
/// each replica is a group of <see cref="LeaderWorkerTemplate.Size"/> pods, one leader and size − 1 workers, created,
/// scaled and restarted together.
/// </summary>
public sealed record LeaderWorkerSet : CustomResource<LeaderWorkerSetSpec>
{
    public const string KubeApiVersion = "leaderworkerset.x-k8s.io/v1";
    public const string KubeKind = "LeaderWorkerSet";

    public LeaderWorkerSet()
        : base(KubeApiVersion, KubeKind)
    {
    }
}

public sealed record LeaderWorkerSetSpec
{
    /// <summary>Groups (model replicas); the scale subresource KEDA changes.</summary>
    [JsonPropertyName("replicas")]
    public int? Replicas { get; set; }

    [JsonPropertyName("leaderWorkerTemplate")]
    public LeaderWorkerTemplate LeaderWorkerTemplate { get; set; } = new();
}

public sealed record LeaderWorkerTemplate
{
    /// <summary>Pods per group, the leader included: the plan's node count.</summary>
    [JsonPropertyName("size")]
    public int? Size { get; set; }

    /// <summary><c>RecreateGroupOnPodRestart</c>: a failed pod restarts its whole group, since vLLM's distributed
    /// state cannot survive losing one rank.</summary>
    [JsonPropertyName("restartPolicy")]
    public string? RestartPolicy { get; set; }

    [JsonPropertyName("leaderTemplate")]
    public V1PodTemplateSpec? LeaderTemplate { get; set; }

    [JsonPropertyName("workerTemplate")]
    public V1PodTemplateSpec WorkerTemplate { get; set; } = new();
}
