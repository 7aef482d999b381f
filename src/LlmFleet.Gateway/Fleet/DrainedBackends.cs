using System.Collections.Frozen;
using LlmFleet.Gateway.Access.Stores;
using LlmFleet.Gateway.Routing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LlmFleet.Gateway.Fleet;

/// <summary>
/// Which backends an operator drained, by host:port. With a store (<c>store:</c>, or <c>auth: keys</c>) the store is the
/// truth: a drain is written there before it takes effect, read back at start-up, and re-read every
/// <c>access.key_refresh</c> (2 s by default), so it survives a restart and reaches every replica sharing the store
/// within that time. Without a store it lives in this process only. Applied to the routing table in force and to every
/// table a reload builds.
/// </summary>
internal sealed partial class DrainedBackends : BackgroundService
{
    private readonly GatewayState _state;
    private readonly IAccessStore? _store;
    private readonly TimeProvider _time;
    private readonly ILogger<DrainedBackends> _logger;
    private readonly Lock _gate = new();
    private volatile FrozenSet<string> _names = FrozenSet<string>.Empty;
    private long _changes;

    public DrainedBackends(GatewayState state, IAccessStore? store, TimeProvider time, ILogger<DrainedBackends> logger)
    {
        _state = state;
        _store = store;
        _time = time;
        _logger = logger;
        state.Reloaded += Apply;
    }

    /// <summary>Whether drains outlive this process.</summary>
    public bool Persistent => _store is not null;

    /// <summary>Drains or undrains <paramref name="backend"/> (host:port): in the store first, then here.</summary>
    /// <exception cref="Exception">The store could not be written; nothing changed.</exception>
    public async Task SetAsync(string backend, bool drained, string? reason, CancellationToken cancellationToken)
    {
        if (_store is not null)
        {
            if (drained)
            {
                await _store.DrainAsync(new DrainedBackend(backend, _time.GetUtcNow(), reason), cancellationToken);
            }
            else
            {
                await _store.UndrainAsync(backend, cancellationToken);
            }
        }
        lock (_gate)
        {
            _changes++;
            _names = (drained ? _names.Append(backend) : _names.Where(n => n != backend)).ToFrozenSet(StringComparer.OrdinalIgnoreCase);
        }
        Apply(_state.Current);
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Registered after the access start-up, which has migrated the store: no request is routed before this ran.
        await RefreshAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_store is null)
        {
            return;
        }
        using var timer = new PeriodicTimer(_state.Current.Config.Access.KeyRefresh, _time);
        while (await WaitAsync(timer, stoppingToken))
        {
            try
            {
                await RefreshAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Keep the drains read before; the next tick tries again.
                Log.RefreshFailed(_logger, _store.Description, e.Message);
            }
        }
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        if (_store is null)
        {
            return;
        }
        long changesBefore;
        lock (_gate)
        {
            changesBefore = _changes;
        }
        var stored = await _store.ListDrainedAsync(cancellationToken);
        lock (_gate)
        {
            // A drain or undrain made here while the store was read is newer than what was read: keep it.
            if (_changes != changesBefore)
            {
                return;
            }
            _names = stored.Select(d => d.Backend).ToFrozenSet(StringComparer.OrdinalIgnoreCase);
        }
        Apply(_state.Current);
    }

    private void Apply(RoutingTable table)
    {
        var names = _names;
        foreach (var backend in table.Backends)
        {
            backend.IsDraining = names.Contains(backend.Name);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Could not re-read drained backends from {Store}; keeping those read before: {Message}")]
        public static partial void RefreshFailed(ILogger logger, string store, string message);
    }
}
