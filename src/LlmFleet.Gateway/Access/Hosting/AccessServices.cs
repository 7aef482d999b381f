using LlmFleet.Gateway.Access.Admin;
using LlmFleet.Gateway.Access.Keys;
using LlmFleet.Gateway.Access.Ledger;
using LlmFleet.Gateway.Access.Limits;
using LlmFleet.Gateway.Access.Stores;
using LlmFleet.Gateway.Configuration;
using LlmFleet.Gateway.Hosting;
using LlmFleet.Gateway.Metrics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmFleet.Gateway.Access.Hosting;

/// <summary>
/// Registers keys, limits and the usage ledger when the configuration asks for them: nothing at all without
/// <c>auth: keys</c> or <c>store:</c> (the request path then pays nothing).
/// </summary>
public static class AccessServices
{
    /// <param name="baseDirectory">Folder of the fleet file: relative <c>sqlite:</c> paths are taken from there.</param>
    public static void Add(IServiceCollection services, FleetConfig config, string? baseDirectory)
    {
        ArgumentNullException.ThrowIfNull(config);
        var access = config.Access;
        if (!access.KeysRequired && config.Store is null)
        {
            return;
        }
        var storeAddress = config.Store ?? AccessStores.Default;
        services.AddSingleton(access);
        services.AddSingleton(_ => AccessStores.Open(storeAddress, baseDirectory));
        services.AddSingleton(sp => new AccessMetrics(sp.GetRequiredService<GatewayMetrics>().Registry));
        services.AddSingleton(sp => new UsageLedger(sp.GetRequiredService<GatewayMetrics>().Registry, sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<UsageLedger>>()));
        if (access.KeysRequired)
        {
            services.AddSingleton<KeyCache>();
            services.AddSingleton<IRateLimits>(sp => access.Limits is { } redis
                ? RedisLimits.ConnectAsync(redis, sp.GetRequiredService<ILogger<RedisLimits>>()).GetAwaiter().GetResult()
                : new InProcessLimits());
        }
        services.AddSingleton(sp => new AccessStartup(access, sp.GetRequiredService<IAccessStore>(), sp.GetService<KeyCache>(),
            sp.GetService<IRateLimits>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<AccessStartup>>()));
        services.AddHostedService(sp => sp.GetRequiredService<AccessStartup>());
        // Registered after the start-up service, so it stops before it: the web server stops first (requests end and
        // are queued), then the writer drains the queue, then the store closes.
        services.AddHostedService(sp => new UsageLedgerWriter(sp.GetRequiredService<UsageLedger>(), sp.GetRequiredService<IAccessStore>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<UsageLedgerWriter>>()));
        services.AddSingleton<IGatewayRequestFilter>(sp => new AccessFilter(access, sp.GetService<KeyCache>(), sp.GetService<IRateLimits>(),
            sp.GetRequiredService<AccessMetrics>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IUsageObserver>(sp => new AccessObserver(sp.GetRequiredService<UsageLedger>(), sp.GetService<IRateLimits>(),
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IStartupFilter>(sp => new AdminStartupFilter(sp));
    }
}
