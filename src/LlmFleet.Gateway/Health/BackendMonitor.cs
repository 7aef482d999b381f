using LlmFleet.Gateway.Configuration;
using LlmFleet.Gateway.Metrics;
using LlmFleet.Gateway.Model;
using LlmFleet.Gateway.Pipeline;
using LlmFleet.Gateway.Routing;
using LlmFleet.Vllm.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LlmFleet.Gateway.Health;

/// <summary>
/// Watches every backend of the routing table in force, one loop per backend: scrapes vLLM's <c>/metrics</c> for the
/// least-load gauges (every <c>scrape_interval</c>), probes <c>/health</c> (every <c>interval</c>), and gives an
/// ejected backend its half-open probe when the ejection ends. Loops start and stop as reloads add and remove
/// backends. This is the fleet's monitor too (docs/architecture.md, "Operate"): its state is the
/// <see cref="BackendState"/> of each backend.
/// </summary>
internal sealed partial class BackendMonitor(GatewayState state, GatewayMetrics metrics, TimeProvider time, ILogger<BackendMonitor> logger,
    IEnumerable<IBackendObserver> observers)
    : BackgroundService
{
    /// <summary>The fleet monitor (LlmFleet.Monitoring's FleetMonitor) keeps its history from what this loop sees.</summary>
    private readonly IBackendObserver[] _observers = observers.ToArray();

    /// <summary>How often loops look at the table for changed settings and at ejections that have ended.</summary>
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);

    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false, PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30) })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    private readonly Dictionary<BackendState, CancellationTokenSource> _loops = [];

    /// <summary>Failed active probes in a row that mark a backend unhealthy.</summary>
    public const int UnhealthyAfterProbes = 2;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<BackendState, int> _failedProbes = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        RoutingTable? seen = null;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var table = state.Current;
                if (!ReferenceEquals(table, seen))
                {
                    Reconcile(table, stoppingToken);
                    seen = table;
                }
                await Task.Delay(Tick, time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var cts in _loops.Values)
            {
                await cts.CancelAsync();
            }
            _http.Dispose();
        }
    }

    private void Reconcile(RoutingTable table, CancellationToken stoppingToken)
    {
        var wanted = table.Backends.ToHashSet();
        foreach (var (backend, cts) in _loops.Where(l => !wanted.Contains(l.Key)).ToArray())
        {
            cts.Cancel();
            _loops.Remove(backend);
        }
        foreach (var backend in wanted.Where(b => !_loops.ContainsKey(b)))
        {
            var cts = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            _loops[backend] = cts;
            _ = Task.Run(() => WatchAsync(backend, cts.Token), CancellationToken.None);
        }
    }

    /// <summary>Where an external provider is probed: its model list, which costs no tokens.</summary>
    public const string ProviderProbePath = "/v1/models";

    /// <summary>The health settings of the first pool that lists the backend, and that pool's entry for it.</summary>
    private (HealthConfig Settings, PoolBackend? Entry) SettingsFor(BackendState backend)
    {
        foreach (var pool in state.Current.Pools)
        {
            foreach (var b in pool.Backends)
            {
                if (ReferenceEquals(b.State, backend))
                {
                    return (pool.Config.Health, b);
                }
            }
        }
        return (new HealthConfig(), null);
    }

    private async Task WatchAsync(BackendState backend, CancellationToken ct)
    {
        var nextProbe = DateTimeOffset.MinValue;
        var nextScrape = DateTimeOffset.MinValue;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var (settings, entry) = SettingsFor(backend);
                // An external provider is probed on its model list with its key, and never scraped (it has no vLLM metrics).
                var probe = entry is { IsExternal: true } ? new Probe(ProviderProbePath, entry.Authorization) : new Probe(settings.Path, null);
                var now = time.GetUtcNow();
                if (backend.IsEjected && now.UtcTicks >= backend.EjectedUntilTicks)
                {
                    await HalfOpenProbeAsync(backend, settings, probe, ct);
                }
                if (now >= nextProbe)
                {
                    nextProbe = now + settings.Interval;
                    await ProbeAsync(backend, settings, probe, ct);
                }
                if (entry is { IsExternal: true })
                {
                    nextScrape = nextProbe;
                }
                else if (now >= nextScrape)
                {
                    nextScrape = now + settings.ScrapeInterval;
                    await ScrapeAsync(backend, settings, ct);
                }
                var wait = Min(nextProbe, nextScrape) - time.GetUtcNow();
                await Task.Delay(wait < Tick ? (wait > TimeSpan.Zero ? wait : TimeSpan.Zero) : Tick, time, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private readonly record struct Probe(string Path, string? Authorization);

    private async Task ProbeAsync(BackendState backend, HealthConfig settings, Probe probe, CancellationToken ct)
    {
        var ok = await GetAsync(backend, probe.Path, settings.Interval, ct, probe.Authorization) is not null;
        foreach (var observer in _observers)
        {
            observer.OnProbed(backend, ok, time.GetUtcNow());
        }
        var before = backend.Health;
        // One slow or lost probe (a loaded host, a GC pause) must not take a serving backend out: it takes
        // UnhealthyAfterProbes failures in a row. Requests that fail meanwhile eject it passively anyway.
        var failed = ok ? 0 : _failedProbes.AddOrUpdate(backend, 1, (_, n) => n + 1);
        if (ok)
        {
            _failedProbes[backend] = 0;
        }
        backend.Health = ok ? BackendHealth.Healthy : failed >= UnhealthyAfterProbes ? BackendHealth.Unhealthy : backend.Health;
        if (before != backend.Health && (before != BackendHealth.Unknown || !ok))
        {
            Log.HealthChanged(logger, backend.Name, backend.Health.ToString());
        }
    }

    private async Task HalfOpenProbeAsync(BackendState backend, HealthConfig settings, Probe probe, CancellationToken ct)
    {
        if (await GetAsync(backend, probe.Path, settings.Interval, ct, probe.Authorization) is not null)
        {
            backend.Readmit();
            backend.Health = BackendHealth.Healthy;
            Log.Readmitted(logger, backend.Name);
        }
        else
        {
            backend.Reeject(settings.Ejection, settings.MaxEjection, time.GetUtcNow());
            metrics.Ejected(backend);
        }
    }

    private async Task ScrapeAsync(BackendState backend, HealthConfig settings, CancellationToken ct)
    {
        var text = await GetAsync(backend, settings.MetricsPath, settings.ScrapeInterval, ct);
        // Parsed once: routing takes the gauges, every observer the same scrape.
        var scrape = text is null ? null : VllmScrape.Parse(text);
        if (scrape is not null)
        {
            backend.Load = new BackendLoad(scrape.Running, scrape.Waiting, scrape.KvCacheUsage, time.GetUtcNow());
        }
        foreach (var observer in _observers)
        {
            observer.OnScraped(backend, scrape, time.GetUtcNow());
        }
    }

    /// <summary>The body of a 200 answer, or null (error status, refused, timed out).</summary>
    private async Task<string?> GetAsync(BackendState backend, string path, TimeSpan interval, CancellationToken ct, string? authorization = null)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(Clamp(interval, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5)));
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(backend.Url, path));
            if (authorization is not null)
            {
                request.Headers.TryAddWithoutValidation("Authorization", authorization);
            }
            using var response = await _http.SendAsync(request, cts.Token);
            return response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync(cts.Token) : null;
        }
        catch (Exception e) when (e is HttpRequestException or IOException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            return null;
        }
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static TimeSpan Clamp(TimeSpan value, TimeSpan min, TimeSpan max) => value < min ? min : value > max ? max : value;

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Backend {Backend} is now {Health}")]
        public static partial void HealthChanged(ILogger logger, string backend, string health);

        [LoggerMessage(2, LogLevel.Information, "Backend {Backend} passed its half-open probe and takes requests again")]
        public static partial void Readmitted(ILogger logger, string backend);
    }
}
