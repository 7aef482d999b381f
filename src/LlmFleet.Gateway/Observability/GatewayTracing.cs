using System.Diagnostics;

namespace LlmFleet.Gateway.Observability;

/// <summary>The gateway's spans: the names of its activity source and of the attributes it sets.</summary>
public static class GatewayTracing
{
    /// <summary>Source of the gateway's own spans (one client span per backend attempt).</summary>
    public const string SourceName = "LlmFleet.Gateway";

    public const string RequestIdTag = "llmfleet.request_id";

    internal static readonly ActivitySource Source = new(SourceName);
}
