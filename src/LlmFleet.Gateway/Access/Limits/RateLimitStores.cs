namespace LlmFleet.Gateway.Access.Limits;

/// <summary>Where limit counters live, by <c>limits:</c> in <c>fleet.yaml</c>.</summary>
public static class RateLimitStores
{
    /// <summary>No <c>limits:</c>: counters in this process (exact for one gateway; each replica counts alone).</summary>
    public const string InProcess = "in-process";

    /// <summary><c>limits: redis://host:port</c>: one set of counters for all replicas, changed by atomic Lua scripts.</summary>
    public const string Redis = "redis";
}
