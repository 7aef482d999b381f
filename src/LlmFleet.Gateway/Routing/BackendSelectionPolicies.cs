using LlmFleet.Gateway.Configuration;

namespace LlmFleet.Gateway.Routing;

/// <summary>The built-in <see cref="IBackendSelectionPolicy"/> implementations by the names <c>fleet.yaml</c> writes
/// (<see cref="PolicyNames"/>).</summary>
public static class BackendSelectionPolicies
{
    /// <summary>Each backend in turn.</summary>
    public const string RoundRobin = PolicyNames.RoundRobin;

    /// <summary>The backend with the fewest requests in flight from this gateway.</summary>
    public const string LeastRequests = PolicyNames.LeastRequests;

    /// <summary>Two backends at random, the one with fewer requests in flight (cheap, no herding).</summary>
    public const string PowerOfTwo = PolicyNames.PowerOfTwo;

    /// <summary>The lowest <see cref="LoadScore"/>: scraped vLLM queue and KV-cache gauges plus in-flight requests.</summary>
    public const string LeastLoad = PolicyNames.LeastLoad;

    /// <summary>Consistent hashing of the prompt's leading messages, bounded by load, falling back to least-load.</summary>
    public const string PrefixAffinity = PolicyNames.PrefixAffinity;

    public static IReadOnlyList<string> All => PolicyNames.All;

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
