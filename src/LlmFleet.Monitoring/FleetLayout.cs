namespace LlmFleet.Monitoring;

/// <summary>
/// The fleet the monitor watches, at one configuration: models with their backends, and the <c>monitoring:</c>
/// settings. Immutable; a reload hands the monitor a new one (<see cref="IFleetSource"/>), keeping the backend
/// objects of unchanged URLs so their history carries over.
/// </summary>
public sealed record FleetLayout(IReadOnlyList<MonitoredModel> Models, MonitoringConfig Settings)
{
    /// <summary>Every distinct backend, in the order models list them; a backend's id in a snapshot is its 1-based
    /// position here.</summary>
    public IReadOnlyList<IMonitoredBackend> Backends { get; } = Models.SelectMany(m => m.Backends).Distinct().ToArray();
}

/// <summary>One model as clients name it and the backends that serve it.</summary>
/// <param name="Policy">How the backend is picked per request (the gateway's policy name), shown as is.</param>
public sealed record MonitoredModel(string Name, IReadOnlyList<string> Aliases, string Policy, IReadOnlyList<IMonitoredBackend> Backends);
