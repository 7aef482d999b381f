namespace LlmFleet.Gateway.Routing;

/// <summary>Names of the built-in <see cref="IBackendSelectionPolicy"/> implementations, as <c>fleet.yaml</c> writes them.</summary>
public static class BackendSelectionPolicies
{
    /// <summary>Each backend in turn.</summary>
    public const string RoundRobin = "round-robin";

    /// <summary>The backend with the fewest requests in flight from this gateway.</summary>
    public const string LeastRequests = "least-requests";

    /// <summary>Two backends at random, the one with fewer requests in flight (cheap, no herding).</summary>
    public const string PowerOfTwo = "power-of-two";

    /// <summary>The lowest <see cref="LoadScore"/>: scraped vLLM queue and KV-cache gauges plus in-flight requests.</summary>
    public const string LeastLoad = "least-load";

    /// <summary>Consistent hashing of the prompt's leading messages, bounded by load, falling back to least-load.</summary>
    public const string PrefixAffinity = "prefix-affinity";

    public static IReadOnlyList<string> All { get; } = [RoundRobin, LeastRequests, PowerOfTwo, LeastLoad, PrefixAffinity];

    /// <summary>The policy instance for a name from <see cref="All"/>.</summary>
    public static IBackendSelectionPolicy Get(string name) => name switch
    {
        RoundRobin => RoundRobinPolicy.Instance,
        LeastRequests => LeastRequestsPolicy.Instance,
        PowerOfTwo => PowerOfTwoChoicesPolicy.Instance,
        LeastLoad => LeastLoadPolicy.Instance,
        PrefixAffinity => PrefixAffinityPolicy.Instance,
        _ => throw new ArgumentException($"unknown policy '{name}'", nameof(name)),
    };
}
