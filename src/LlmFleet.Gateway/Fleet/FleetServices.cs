using LlmFleet.Gateway.Access.Stores;
using LlmFleet.Gateway.Configuration;
using LlmFleet.Gateway.Pipeline;
using LlmFleet.Gateway.Routing;
using LlmFleet.Monitoring;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmFleet.Gateway.Fleet;

/// <summary>Wires the fleet monitor (LlmFleet.Monitoring) into the gateway: the routing table as the fleet it watches,
/// observer of the backend monitor, its exporter loop, alert evaluation and sinks, and the HTTP surface
/// (<c>/admin/fleet</c>, <c>/admin/alerts</c>, drain, <c>/dashboard</c>).</summary>
public static class FleetServices
{
    /// <summary>Call before the access layer registers its <c>/admin</c> branch, so these paths are matched first.</summary>
    public static void Add(IServiceCollection services, FleetConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        services.AddSingleton<IFleetSource, GatewayFleet>();
        MonitoringServices.Add(services, config.Monitoring);
        services.AddSingleton<IBackendObserver, FleetObserver>();
        services.AddSingleton<IStartupFilter>(sp => new MonitoringStartupFilter(sp));
        services.AddSingleton(sp => new DrainedBackends(sp.GetRequiredService<GatewayState>(), sp.GetService<IAccessStore>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<DrainedBackends>>()));
    }

    /// <summary>Call after the access layer is registered: drains are read from its store once it has migrated it.</summary>
    public static void AddDrainState(IServiceCollection services) =>
        services.AddHostedService(sp => sp.GetRequiredService<DrainedBackends>());
}
