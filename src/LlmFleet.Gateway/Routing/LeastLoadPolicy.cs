namespace LlmFleet.Gateway.Routing;

internal sealed class LeastLoadPolicy : IBackendSelectionPolicy
{
    public static LeastLoadPolicy Instance { get; } = new();

    public string Name => BackendSelectionPolicies.LeastLoad;

    public PoolBackend Pick(GatewayRequest request, ModelPool pool, ReadOnlySpan<PoolBackend> candidates) =>
        PickLeastLoaded(pool, candidates);

    internal static PoolBackend PickLeastLoaded(ModelPool pool, ReadOnlySpan<PoolBackend> candidates)
    {
        // Rotating start: equal scores (an idle pool, or gauges not scraped yet) spread round-robin.
        var start = (int)((uint)pool.NextRoundRobin() % (uint)candidates.Length);
        var best = candidates[start];
        var bestScore = LoadScore.Of(best.State);
        for (var i = 1; i < candidates.Length; i++)
        {
            var c = candidates[(start + i) % candidates.Length];
            var score = LoadScore.Of(c.State);
            if (score < bestScore)
            {
                best = c;
                bestScore = score;
            }
        }
        return best;
    }
}
