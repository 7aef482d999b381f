using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace LlmFleet.Operations.Deploy.Kubernetes;

/// <summary>
/// What every custom resource we write shares — <c>apiVersion</c>, <c>kind</c>, <c>metadata</c>, <c>spec</c> — so each
/// one (LeaderWorkerSet, ScaledObject, PodMonitor) states only its group, kind and spec.
/// </summary>
public abstract record CustomResource<TSpec> : IKubernetesObject<V1ObjectMeta>
    where TSpec : new()
{
    protected CustomResource(string apiVersion, string kind)
    {
        ApiVersion = apiVersion;
        Kind = kind;
    }

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; }

    [JsonPropertyName("kind")]
    public string Kind { get; set; }

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public TSpec Spec { get; set; } = new();
}
