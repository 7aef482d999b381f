using LlmFleet.Gateway.Configuration;
using LlmFleet.Gateway.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LlmFleet.Gateway.Discovery;

/// <summary>
/// Keeps the backends of every <c>backends: { kubernetes: ... }</c> pool equal to what its Service's EndpointSlices
/// say: each change swaps in a routing table whose pool lists the discovered addresses (backends that stay keep their
/// runtime state; requests already routed to a removed one finish there). The discovered sets are an overlay of the
/// gateway state, so a reload of <c>fleet.yaml</c> is built with them already in place.
/// </summary>
internal sealed partial class KubernetesDiscovery(GatewayState state, TimeProvider time, ILogger<KubernetesDiscovery> logger) : BackgroundService
{
    private readonly Dictionary<string, IReadOnlyList<Uri>> _discovered = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Registers the service when the configuration has a discovered pool.</summary>
    public static void Add(IServiceCollection services, FleetConfig config)
    {
        if (config.Models.Any(m => m.Kubernetes is not null))
        {
            services.AddHostedService<KubernetesDiscovery>();
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        state.SetOverlay(WithDiscovered);
        var runs = new List<Task>();
        // Watchers follow the pools of the configuration the gateway started with.
        foreach (var model in state.Current.Config.Models)
        {
            if (model.Kubernetes is not { } k)
            {
                continue;
            }
            var client = InCluster.Client(k.ApiServer);
            var watcher = new EndpointSliceWatcher(client, k.Namespace, k.Service, k.Port, time);
            var name = model.Name;
            watcher.Changed += endpoints =>
            {
                Log.Discovered(logger, name, k.Namespace, k.Service, endpoints.Count);
                lock (_gate)
                {
                    _discovered[name] = endpoints;
                }
                // Outside the gate: Apply takes the state's lock and then runs the overlay, which takes the gate.
                state.Apply(state.Current.Config);
            };
            runs.Add(RunAsync(watcher, client, stoppingToken));
        }
        return Task.WhenAll(runs);
    }

    private static async Task RunAsync(EndpointSliceWatcher watcher, HttpClient client, CancellationToken stoppingToken)
    {
        using (client)
        {
            await watcher.RunAsync(stoppingToken);
        }
    }

    /// <summary>The configuration with each discovered pool's backends set to its Service's ready endpoints.</summary>
    private FleetConfig WithDiscovered(FleetConfig config)
    {
        lock (_gate)
        {
            var models = config.Models.Select(m =>
                m.Kubernetes is { } k && _discovered.TryGetValue(m.Name, out var urls)
                    ? m with { Backends = [.. urls.Take(FleetConfigLoader.MaxBackendsPerModel).Select(u => new BackendConfig { Url = u, ServedModel = k.ServedModel, ApiKeyEnv = k.ApiKeyEnv })] }
                    : m).ToList();
            return config with { Models = models };
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Model {Model}: {Count} ready endpoints in {Namespace}/{Service}")]
        public static partial void Discovered(ILogger logger, string model, string @namespace, string service, int count);
    }
}
