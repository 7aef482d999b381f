namespace LlmFleet.Gateway.Routing;

internal sealed class LeastRequestsPolicy : IBackendSelectionPolicy
{
    public static LeastRequestsPolicy Instance { get; } = new();

    public string Name => BackendSelectionPolicies.LeastRequests;

    public PoolBackend Pick(GatewayRequest request, ModelPool pool, ReadOnlySpan<PoolBackend> candidates)
    {
        // Start the scan at a rotating offset so that ties (an idle pool) spread instead of all landing on the first.
        var start = (int)((uint)pool.NextRoundRobin() % (uint)candidates.Length);
        var best = candidates[start];
        var bestCount = best.State.InFlight;
        for (var i = 1; i < candidates.Length; i++)
        {
            var c = candidates[(start + i) % candidates.Length];
            var count = c.State.InFlight;
            if (count < bestCount)
            {
                best = c;
                bestCount = count;
            }
        }
        return best;
    }
}
