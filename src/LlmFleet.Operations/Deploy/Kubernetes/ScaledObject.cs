using System.Text.Json.Serialization;

namespace LlmFleet.Operations.Deploy.Kubernetes;

/// <summary>KEDA's ScaledObject (keda.sh/v1alpha1), only the fields we set: scale a workload on a Prometheus query.</summary>
public sealed record ScaledObject : CustomResource<ScaledObjectSpec>
{
    public const string KubeApiVersion = "keda.sh/v1alpha1";
    public const string KubeKind = "ScaledObject";

    public ScaledObject()
        : base(KubeApiVersion, KubeKind)
    {
    }
}

public sealed record ScaledObjectSpec
{
    [JsonPropertyName("scaleTargetRef")]
    public ScaleTargetRef ScaleTargetRef { get; set; } = new();

    [JsonPropertyName("minReplicaCount")]
    public int? MinReplicaCount { get; set; }

    [JsonPropertyName("maxReplicaCount")]
    public int? MaxReplicaCount { get; set; }

    /// <summary>Seconds between queries.</summary>
    [JsonPropertyName("pollingInterval")]
    public int? PollingInterval { get; set; }

    /// <summary>Seconds after the last active trigger before scaling down.</summary>
    [JsonPropertyName("cooldownPeriod")]
    public int? CooldownPeriod { get; set; }

    [JsonPropertyName("triggers")]
    public IList<ScaleTrigger> Triggers { get; set; } = [];
}

public sealed record ScaleTargetRef
{
    [JsonPropertyName("apiVersion")]
    public string? ApiVersion { get; set; }

    [JsonPropertyName("kind")]
    public string? Kind { get; set; }

    [JsonPropertyName("name")]
    public string Name { get; set; } = "";
}

public sealed record ScaleTrigger
{
    [JsonPropertyName("type")]
    public string Type { get; set; } = "";

    /// <summary>For <c>prometheus</c>: <c>serverAddress</c>, <c>query</c>, <c>threshold</c> (strings, as KEDA wants).</summary>
    [JsonPropertyName("metadata")]
    public IDictionary<string, string> Metadata { get; set; } = new Dictionary<string, string>();
}
