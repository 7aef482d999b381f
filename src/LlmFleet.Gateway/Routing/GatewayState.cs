using LlmFleet.Gateway.Configuration;

namespace LlmFleet.Gateway.Routing;

/// <summary>
/// The routing table in force. A reload builds a whole new <see cref="RoutingTable"/> and swaps the reference, so a
/// request that has started keeps the pool and backends it resolved, and the next one sees the new table.
/// </summary>
public sealed class GatewayState
{
    private readonly TimeProvider _time;
    private readonly Random _random;
    private volatile RoutingTable _current;
    private Func<FleetConfig, FleetConfig>? _overlay;

    public GatewayState(FleetConfig config, TimeProvider time, Random random)
    {
        _time = time;
        _random = random;
        _current = RoutingTable.Build(config, null, random, time.GetUtcNow());
    }

    public RoutingTable Current => _current;

    /// <summary>Raised after each successful swap.</summary>
    public event Action<RoutingTable>? Reloaded;

    /// <summary>
    /// A step every configuration passes through before its table is built. Kubernetes discovery puts the discovered
    /// backends into its pools here, so a reload of <c>fleet.yaml</c> never swaps in a pool without them. The overlay
    /// must not call back into this state.
    /// </summary>
    public void SetOverlay(Func<FleetConfig, FleetConfig> overlay)
    {
        lock (_random)
        {
            _overlay = overlay;
        }
    }

    public RoutingTable Apply(FleetConfig config)
    {
        RoutingTable next;
        lock (_random)
        {
            var effective = _overlay?.Invoke(config) ?? config;
            next = RoutingTable.Build(effective, _current, _random, _time.GetUtcNow());
            _current = next;
        }
        Reloaded?.Invoke(next);
        return next;
    }
}
