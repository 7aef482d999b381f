namespace LlmFleet.Gateway.Routing;

/// <summary>
/// Picks the backend for one request among a pool's available ones. Implementations are stateless singletons chosen
/// by <see cref="Name"/> (see <see cref="BackendSelectionPolicies"/>); per-pool state (counters, hash rings) lives in
/// <see cref="ModelPool"/>. Called on the request path: no locks, no allocation.
/// </summary>
public interface IBackendSelectionPolicy
{
    /// <summary>The name <c>fleet.yaml</c> refers to.</summary>
    string Name { get; }

    /// <param name="request">The request being routed (model, prompt prefix).</param>
    /// <param name="pool">The model's pool.</param>
    /// <param name="candidates">Healthy, not ejected, not yet tried for this request; never empty.</param>
    PoolBackend Pick(GatewayRequest request, ModelPool pool, ReadOnlySpan<PoolBackend> candidates);
}
