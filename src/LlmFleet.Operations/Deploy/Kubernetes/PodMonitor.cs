using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace LlmFleet.Operations.Deploy.Kubernetes;

/// <summary>The Prometheus Operator's PodMonitor (monitoring.coreos.com/v1), only the fields we set: scrape the
/// selected pods' named port.</summary>
public sealed record PodMonitor : IKubernetesObject<V1ObjectMeta>
{
    public const string KubeApiVersion = "monitoring.coreos.com/v1";
    public const string KubeKind = "PodMonitor";

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = KubeApiVersion;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = KubeKind;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public PodMonitorSpec Spec { get; set; } = new();
}

public sealed record PodMonitorSpec
{
    [JsonPropertyName("selector")]
    public V1LabelSelector Selector { get; set; } = new();

    [JsonPropertyName("podMetricsEndpoints")]
    public IList<PodMetricsEndpoint> PodMetricsEndpoints { get; set; } = [];
}

public sealed record PodMetricsEndpoint
{
    /// <summary>The container port's name.</summary>
    [JsonPropertyName("port")]
    public string? Port { get; set; }

    [JsonPropertyName("path")]
    public string? Path { get; set; }

    [JsonPropertyName("interval")]
    public string? Interval { get; set; }
}
