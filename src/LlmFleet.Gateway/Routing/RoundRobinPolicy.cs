namespace LlmFleet.Gateway.Routing;

internal sealed class RoundRobinPolicy : IBackendSelectionPolicy
{
    public static RoundRobinPolicy Instance { get; } = new();

    public string Name => BackendSelectionPolicies.RoundRobin;

    public PoolBackend Pick(GatewayRequest request, ModelPool pool, ReadOnlySpan<PoolBackend> candidates) =>
        candidates[(int)((uint)pool.NextRoundRobin() % (uint)candidates.Length)];
}
