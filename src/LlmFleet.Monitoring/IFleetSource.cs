namespace LlmFleet.Monitoring;

/// <summary>Where the monitor reads the fleet in force: the gateway's routing table (reloaded with
/// <c>fleet.yaml</c>) or a fixed list of servers (<see cref="FixedFleet"/>).</summary>
public interface IFleetSource
{
    FleetLayout Current { get; }
}

/// <summary>A fleet that does not change: the servers named on the command line of <c>llmfleet top --backend</c>.</summary>
public sealed class FixedFleet(FleetLayout layout) : IFleetSource
{
    public FleetLayout Current { get; } = layout;
}
