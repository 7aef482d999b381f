using LlmFleet.Gateway.Access.Hosting;
using LlmFleet.Gateway.Configuration;
using LlmFleet.Gateway.Discovery;
using LlmFleet.Gateway.Fleet;
using LlmFleet.Gateway.Forwarding;
using LlmFleet.Gateway.Health;
using LlmFleet.Gateway.Metrics;
using LlmFleet.Gateway.Observability;
using LlmFleet.Gateway.Pipeline;
using LlmFleet.Gateway.Routing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LlmFleet.Gateway.Hosting;

/// <summary>Builds the gateway's <see cref="WebApplication"/>; the CLI (<c>serve</c>, <c>up</c>), tests and benchmarks start this same server.</summary>
public static class GatewayHost
{
    /// <exception cref="FleetConfigException">The configuration file is missing or invalid.</exception>
    public static WebApplication Build(GatewayOptions options)
    {
        // A file is read once, here: the watcher compares later content with exactly what was parsed.
        (string Text, string Hash)? loaded = options.Config is null && options.ConfigPath is { } path ? FleetConfigWatcher.Read(path) : null;
        var config = options.Config ?? (loaded is { } read
            ? FleetConfigLoader.Parse(read.Text, options.ConfigPath!)
            : throw new ArgumentException("either ConfigPath or Config is required", nameof(options)));
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(options.Urls ?? config.Listen);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            // The gateway enforces its own (larger, configurable) body limit and answers 413 in OpenAI's shape.
            ServerLimits.Apply(k.Limits);
        });
        builder.Logging.SetMinimumLevel(options.MinimumLogLevel);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        // At any enabled level, hosting starts an Activity and a log scope for every request (and the upstream
        // HttpClient then starts a child Activity of its own), though these logs hold only request start/finish lines:
        // off, they cost nothing. Unhandled errors are still logged, by Kestrel.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        // YARP logs every failed attempt with a stack trace; the forwarder logs one line per failure itself.
        builder.Logging.AddFilter("Yarp", LogLevel.Error);
        GatewayLogging.AddConsole(builder.Logging, config.Logging);
        // Graceful shutdown: Kestrel stops accepting, lets requests (streams included) run until this deadline, then
        // aborts them, which cancels their upstream requests.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = config.ShutdownTimeout);
        builder.Services.AddSingleton(options.TimeProvider);
        builder.Services.AddSingleton(new GatewayState(config, options.TimeProvider, options.Random));
        builder.Services.AddSingleton(new ConfigReloadStatus(options.Config is null ? options.ConfigPath : null, options.TimeProvider));
        builder.Services.AddSingleton(sp =>
        {
            var state = sp.GetRequiredService<GatewayState>();
            var metrics = new GatewayMetrics(() => state.Current);
            state.Reloaded += metrics.Forget;
            ConfigReloadMetrics.Register(metrics.Registry, sp.GetRequiredService<ConfigReloadStatus>());
            return metrics;
        });
        builder.Services.AddHttpForwarder();
        builder.Services.AddSingleton<UpstreamInvoker>();
        builder.Services.AddSingleton<BackendQueries>();
        builder.Services.AddSingleton<GatewayForwarder>();
        builder.Services.AddSingleton<ResponsePins>();
        builder.Services.AddSingleton<StoredResponses>();
        builder.Services.AddSingleton<IUsageObserver, StoredResponses.PinRecorder>();
        builder.Services.AddHostedService<BackendMonitor>();
        if (options.Config is null && options.ConfigPath is { } watched)
        {
            builder.Services.AddHostedService(sp => new FleetConfigWatcher(watched, loaded!.Value.Hash, sp.GetRequiredService<GatewayState>(),
                sp.GetRequiredService<ConfigReloadStatus>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<FleetConfigWatcher>>()));
        }
        // First of the startup filters: the request id is set before any endpoint answers.
        builder.Services.AddSingleton<AccessLog>();
        builder.Services.AddSingleton<IStartupFilter, ObservabilityStartupFilter>();
        GatewayTracing.Add(builder.Services, config.Tracing, builder.Configuration, options.TimeProvider);
        FleetServices.Add(builder.Services, config);
        KubernetesDiscovery.Add(builder.Services, config);
        AccessServices.Add(builder.Services, config, options.ConfigPath is { } file ? Path.GetDirectoryName(Path.GetFullPath(file)) : null,
            options.Urls ?? config.Listen);
        FleetServices.AddDrainState(builder.Services);
        options.ConfigureServices?.Invoke(builder.Services);
        var app = builder.Build();
        GatewayEndpoints.Map(app);
        return app;
    }

    /// <summary>Builds and starts a gateway; the returned handle knows the address it listens on.</summary>
    public static async Task<RunningGateway> StartAsync(GatewayOptions options, CancellationToken cancellationToken = default)
    {
        var app = Build(options);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new RunningGateway(app, new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)));
    }
}
