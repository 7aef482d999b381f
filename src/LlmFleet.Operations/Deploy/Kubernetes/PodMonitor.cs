using System.Text.Json.Serialization;
using k8s.Models;

namespace LlmFleet.Operations.Deploy.Kubernetes;

/// <summary>The Prometheus Operator's PodMonitor (monitoring.coreos.com/v1), only the fields we set: scrape the
/// selected pods' named port.</summary>
public sealed record PodMonitor : CustomResource<PodMonitorSpec>
{
    public const string KubeApiVersion = "monitoring.coreos.com/v1";
    public const string KubeKind = "PodMonitor";

    public PodMonitor()
        : base(KubeApiVersion, KubeKind)
    {
    }
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
