namespace LlmFleet.Gateway.Model;

/// <summary>What the active probe of <c>/health</c> last said.</summary>
public enum BackendHealth
{
    /// <summary>Not probed yet: routed to (optimistically), so a fresh gateway serves at once.</summary>
    Unknown = 0,
    Healthy = 1,
    Unhealthy = 2,
}
