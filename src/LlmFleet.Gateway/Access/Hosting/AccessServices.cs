using LlmFleet.Gateway.Access.Admin;
using LlmFleet.Gateway.Access.Jwt;
using LlmFleet.Gateway.Access.Keys;
using LlmFleet.Gateway.Access.Ledger;
using LlmFleet.Gateway.Access.Limits;
using LlmFleet.Gateway.Access.Spend;
using LlmFleet.Gateway.Access.Stores;
using LlmFleet.Gateway.Configuration;
using LlmFleet.Gateway.Metrics;
using LlmFleet.Gateway.Pipeline;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmFleet.Gateway.Access.Hosting;

/// <summary>
/// Registers keys, tokens, limits and the usage ledger when the configuration asks for them: nothing at all without
/// <c>auth: keys</c>, <c>auth: jwt</c> or <c>store:</c> (the request path then pays nothing).
/// </summary>
public static class AccessServices
{
    /// <param name="baseDirectory">Folder of the fleet file: relative <c>sqlite:</c> paths are taken from there.</param>
    /// <param name="urls">The addresses the gateway will listen on (<c>--urls</c> or <c>listen</c>).</param>
    /// <exception cref="FleetConfigException">Listening beyond loopback without an explicit <c>auth:</c>.</exception>
    public static void Add(IServiceCollection services, FleetConfig config, string? baseDirectory, string? urls = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        var access = config.Access;
        var loopback = AccessConfigParser.IsLoopback(urls ?? config.Listen);
        if (!access.AuthExplicit && !loopback)
        {
            throw new FleetConfigException($"auth: the gateway would listen on {urls}, beyond this machine; write `auth: keys` in the fleet " +
                "file to require API keys (or `auth: none` to serve anyone who can reach it)");
        }
        if (!access.AuthRequired && !loopback)
        {
            services.AddHostedService(sp => new NoAuthWarning(sp.GetRequiredService<ILogger<NoAuthWarning>>()));
        }
        if (!access.AuthRequired && config.Store is null)
        {
            return;
        }
        var storeAddress = config.Store ?? AccessStores.Default;
        services.AddSingleton(access);
        services.AddSingleton(_ => AccessStores.Open(storeAddress, baseDirectory));
        services.AddSingleton(sp => new AccessMetrics(sp.GetRequiredService<GatewayMetrics>().Registry));
        services.AddSingleton(sp => new UsageLedger(sp.GetRequiredService<GatewayMetrics>().Registry, sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<UsageLedger>>()));
        if (access.AcceptsKeys)
        {
            services.AddSingleton<KeyCache>();
        }
        if (access.Jwt is { } jwt)
        {
            services.AddSingleton(sp => new JwksCache(jwt, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<JwksCache>>()));
            services.AddSingleton(sp => new JwtAuthenticator(jwt, sp.GetRequiredService<JwksCache>(), sp.GetRequiredService<TimeProvider>()));
        }
        if (access.AuthRequired)
        {
            services.AddSingleton<IRateLimits>(sp => access.Limits is { } redis
                ? RedisLimits.ConnectAsync(redis, sp.GetRequiredService<ILogger<RedisLimits>>(), access.OnStoreFailure).GetAwaiter().GetResult()
                : new InProcessLimits());
            services.AddSingleton<ISpendCounters>(sp => access.Limits is { } redis
                ? RedisSpend.ConnectAsync(redis, sp.GetRequiredService<ILogger<RedisSpend>>()).GetAwaiter().GetResult()
                : new InProcessSpend());
        }
        services.AddSingleton(sp => new AccessStartup(access, sp.GetRequiredService<IAccessStore>(), sp.GetService<KeyCache>(),
            sp.GetService<IRateLimits>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<AccessStartup>>(), sp.GetService<ISpendCounters>()));
        services.AddHostedService(sp => sp.GetRequiredService<AccessStartup>());
        // Registered after the start-up service, so it stops before it: the web server stops first (requests end and
        // are queued), then the writer drains the queue, then the store closes.
        var spool = new UsageSpool(Path.GetFullPath(access.UsageSpool ?? DefaultSpool(storeAddress), baseDirectory ?? Directory.GetCurrentDirectory()));
        services.AddHostedService(sp => new UsageLedgerWriter(sp.GetRequiredService<UsageLedger>(), sp.GetRequiredService<IAccessStore>(), spool,
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<UsageLedgerWriter>>()));
        services.AddSingleton<IGatewayRequestFilter>(sp => new AccessFilter(access, sp.GetService<KeyCache>(), sp.GetService<IRateLimits>(),
            sp.GetRequiredService<AccessMetrics>(), sp.GetRequiredService<TimeProvider>(), sp.GetService<ISpendCounters>(), sp.GetService<JwtAuthenticator>()));
        services.AddSingleton<IUsageObserver>(sp => new AccessObserver(sp.GetRequiredService<UsageLedger>(), sp.GetService<IRateLimits>(),
            sp.GetRequiredService<TimeProvider>(), access, sp.GetService<ISpendCounters>()));
        services.AddSingleton<IStartupFilter>(sp => new AdminStartupFilter(sp));
    }

    /// <summary>Where the ledger spools rows while its store is down, unless <c>usage.spool</c> says: beside a SQLite
    /// file, or <c>usage-spool.jsonl</c> in the fleet file's folder for PostgreSQL.</summary>
    private static string DefaultSpool(string store) =>
        store.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase) ? store["sqlite:".Length..] + ".usage-spool.jsonl" : "usage-spool.jsonl";
}
