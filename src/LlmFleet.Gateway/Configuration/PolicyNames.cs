namespace LlmFleet.Gateway.Configuration;

/// <summary>The backend selection policies as <c>fleet.yaml</c> names them (<c>policy:</c>); Routing's
/// <c>BackendSelectionPolicies</c> maps each name to its implementation.</summary>
public static class PolicyNames
{
    /// <summary>Each backend in turn.</summary>
    public const string RoundRobin = "round-robin";

    /// <summary>The backend with the fewest requests in flight from this gateway.</summary>
    public const string LeastRequests = "least-requests";

    /// <summary>Two backends at random, the one with fewer requests in flight (cheap, no herding).</summary>
    public const string PowerOfTwo = "power-of-two";

    /// <summary>The lowest load score: scraped vLLM queue and KV-cache gauges plus in-flight requests.</summary>
    public const string LeastLoad = "least-load";

    /// <summary>Consistent hashing of the prompt's leading messages, bounded by load, falling back to least-load.</summary>
    public const string PrefixAffinity = "prefix-affinity";

    public static IReadOnlyList<string> All { get; } = [RoundRobin, LeastRequests, PowerOfTwo, LeastLoad, PrefixAffinity];
}
