using LlmFleet.Gateway.Configuration;
using LlmFleet.Gateway.Routing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LlmFleet.Gateway.Hosting;

/// <summary>
/// Hot reload: watches <c>fleet.yaml</c> and, after changes settle (<see cref="Debounce"/>), validates the file and
/// swaps in a new routing table. An invalid file keeps the running configuration and logs why. Requests in flight
/// are untouched either way: they hold the pool and backends they resolved.
/// </summary>
internal sealed partial class FleetConfigWatcher(string path, GatewayState state, TimeProvider time, ILogger<FleetConfigWatcher> logger)
    : BackgroundService
{
    /// <summary>Editors write a file in several steps (truncate, write, rename): wait for quiet before reading.</summary>
    public static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(200);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var full = Path.GetFullPath(path);
        var changed = new SemaphoreSlim(0);
        using var watcher = new FileSystemWatcher(Path.GetDirectoryName(full)!, Path.GetFileName(full))
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        FileSystemEventHandler onChange = (_, _) => changed.Release();
        watcher.Changed += onChange;
        watcher.Created += onChange;
        watcher.Renamed += (_, _) => changed.Release();
        watcher.EnableRaisingEvents = true;
        try
        {
            while (true)
            {
                await changed.WaitAsync(stoppingToken);
                // Swallow the burst of events one save produces.
                do
                {
                    await Task.Delay(Debounce, time, stoppingToken);
                }
                while (changed.CurrentCount > 0 && Drain(changed));
                Reload(full);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private static bool Drain(SemaphoreSlim s)
    {
        while (s.Wait(0))
        {
        }
        return true;
    }

    private void Reload(string full)
    {
        if (!File.Exists(full))
        {
            Log.Invalid(logger, full, "the file is gone");
            return;
        }
        try
        {
            var config = FleetConfigLoader.Load(full);
            var table = state.Apply(config);
            Log.Reloaded(logger, full, table.Pools.Count, table.Backends.Count);
        }
        catch (FleetConfigException e)
        {
            Log.Invalid(logger, full, e.Message);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Reloaded {Path}: {Models} models, {Backends} backends")]
        public static partial void Reloaded(ILogger logger, string path, int models, int backends);

        [LoggerMessage(2, LogLevel.Error, "Kept the running configuration: {Path} is invalid: {Reason}")]
        public static partial void Invalid(ILogger logger, string path, string reason);
    }
}
