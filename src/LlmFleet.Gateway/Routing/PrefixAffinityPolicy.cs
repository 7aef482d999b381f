namespace LlmFleet.Gateway.Routing;

/// <summary>
/// Sends requests whose prompts start alike to the same backend, where vLLM's prefix cache already holds those
/// tokens: the key is a hash of the prompt's leading messages (<see cref="GatewayRequest.AffinityKey"/>), placed on a
/// consistent-hash ring. Bounded load: when the ring's choice is busier than <see cref="BoundFactor"/> × the mean
/// plus <see cref="BoundSlack"/>, the request goes to the least-loaded backend instead, so one hot conversation
/// cannot pile up on one server while others idle. Requests with no prompt go straight to least-load.
/// </summary>
internal sealed class PrefixAffinityPolicy : IBackendSelectionPolicy
{
    /// <summary>How much busier than the mean the affine backend may be (the "c" of consistent hashing with bounded loads).</summary>
    public const double BoundFactor = 1.25;

    /// <summary>Absolute headroom in requests, so that small loads (1 vs 0) do not break affinity.</summary>
    public const double BoundSlack = 4;

    public static PrefixAffinityPolicy Instance { get; } = new();

    public string Name => BackendSelectionPolicies.PrefixAffinity;

    public PoolBackend Pick(GatewayRequest request, ModelPool pool, ReadOnlySpan<PoolBackend> candidates)
    {
        if (request.AffinityKey is not { } key)
        {
            return LeastLoadPolicy.PickLeastLoaded(pool, candidates);
        }
        ulong allowed = 0;
        var total = 0.0;
        foreach (var c in candidates)
        {
            allowed |= 1UL << c.Index;
            total += LoadScore.Of(c.State);
        }
        var owner = pool.Ring.Owner(key, allowed);
        if (owner < 0)
        {
            return LeastLoadPolicy.PickLeastLoaded(pool, candidates);
        }
        var home = pool.Backends[owner];
        var bound = BoundFactor * total / candidates.Length + BoundSlack;
        return LoadScore.Of(home.State) <= bound ? home : LeastLoadPolicy.PickLeastLoaded(pool, candidates);
    }
}
