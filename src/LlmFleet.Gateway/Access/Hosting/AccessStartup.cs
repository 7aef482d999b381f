using LlmFleet.Gateway.Access.Keys;
using LlmFleet.Gateway.Access.Limits;
using LlmFleet.Gateway.Access.Spend;
using LlmFleet.Gateway.Access.Stores;
using LlmFleet.Gateway.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LlmFleet.Gateway.Access.Hosting;

/// <summary>
/// Before the gateway takes requests: migrates the store, reads the key secret and every key into the
/// <see cref="KeyCache"/>, seeds in-process budgets from the ledger, loads the tokenizer. Then reloads the keys every
/// <see cref="AccessConfig.KeyRefresh"/>, so keys created, revoked or rotated by the CLI or another replica take
/// effect within that time (the admin API of this gateway reloads at once).
/// </summary>
internal sealed partial class AccessStartup(AccessConfig config, IAccessStore store, KeyCache? keys, IRateLimits? limits, TimeProvider time,
    ILogger<AccessStartup> logger, ISpendCounters? spend = null) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await store.MigrateAsync(cancellationToken);
        if (keys is not null)
        {
            keys.Hasher = await KeyAdministration.HasherForAsync(store, config.SecretEnv, cancellationToken);
            await ReloadAsync(cancellationToken);
        }
        if (limits is not null)
        {
            var now = time.GetUtcNow();
            limits.SeedBudgets(await store.TokensByKeySinceAsync(LimitWindows.DayStart(now), cancellationToken),
                await store.TokensByKeySinceAsync(LimitWindows.MonthStart(now), cancellationToken), now);
            TokenEstimator.Warm();
        }
        if (spend is not null)
        {
            var now = time.GetUtcNow();
            spend.Seed(await store.ListKeysAsync(cancellationToken), await store.SpendByKeySinceAsync(LimitWindows.DayStart(now), cancellationToken),
                await store.SpendByKeySinceAsync(LimitWindows.MonthStart(now), cancellationToken), now);
        }
        Log.Started(logger, config.Auth, store.Description, keys?.Count ?? 0, config.Limits is null ? RateLimitStores.InProcess : RateLimitStores.Redis);
        await base.StartAsync(cancellationToken);
    }

    public async Task ReloadAsync(CancellationToken cancellationToken) => keys?.Replace(await store.ListKeysAsync(cancellationToken));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (keys is null)
        {
            return;
        }
        using var timer = new PeriodicTimer(config.KeyRefresh, time);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await timer.WaitForNextTickAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            try
            {
                await ReloadAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Keep serving with the keys already loaded.
                Log.ReloadFailed(logger, store.Description, e.Message);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Access: auth {Auth}, store {Store}, {Keys} keys, limits {Limits}")]
        public static partial void Started(ILogger logger, string auth, string store, int keys, string limits);

        [LoggerMessage(3, LogLevel.Warning, "Could not reload keys from {Store}; serving with the keys loaded before: {Message}")]
        public static partial void ReloadFailed(ILogger logger, string store, string message);
    }
}
