using LlmFleet.Gateway.Routing;
using LlmFleet.Monitoring;

namespace LlmFleet.Gateway.Fleet;

/// <summary>
/// The routing table in force as the fleet monitor sees it: its pools as models, their backends' runtime state as
/// the monitored backends, and the <c>monitoring:</c> settings. Built once per table (a reload swaps it whole).
/// </summary>
internal sealed class GatewayFleet(GatewayState state) : IFleetSource
{
    private volatile Projection? _last;

    private sealed record Projection(RoutingTable Table, FleetLayout Layout);

    public FleetLayout Current
    {
        get
        {
            var table = state.Current;
            if (_last is { } last && ReferenceEquals(last.Table, table))
            {
                return last.Layout;
            }
            var layout = Of(table);
            _last = new Projection(table, layout);
            return layout;
        }
    }

    /// <summary>Models in the table's order, so a backend's id is its position in <see cref="RoutingTable.Backends"/>.</summary>
    public static FleetLayout Of(RoutingTable table) => new(
        table.Pools.Select(p => new MonitoredModel(p.Name, p.Config.Aliases, p.Config.Policy,
            p.Backends.Select(b => (IMonitoredBackend)b.State).ToArray())).ToArray(),
        table.Config.Monitoring);
}
