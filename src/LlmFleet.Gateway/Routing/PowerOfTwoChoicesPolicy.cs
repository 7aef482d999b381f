namespace LlmFleet.Gateway.Routing;

/// <summary>Two random candidates, the less busy one: nearly as good as least-requests, without every gateway
/// replica herding onto the same idle backend.</summary>
internal sealed class PowerOfTwoChoicesPolicy : IBackendSelectionPolicy
{
    public static PowerOfTwoChoicesPolicy Instance { get; } = new();

    public string Name => BackendSelectionPolicies.PowerOfTwo;

    public PoolBackend Pick(GatewayRequest request, ModelPool pool, ReadOnlySpan<PoolBackend> candidates)
    {
        if (candidates.Length == 1)
        {
            return candidates[0];
        }
        var first = pool.Random.Next(candidates.Length);
        var second = pool.Random.Next(candidates.Length - 1);
        if (second >= first)
        {
            second++;
        }
        var a = candidates[first];
        var b = candidates[second];
        return b.State.InFlight < a.State.InFlight ? b : a;
    }
}
