using LlmFleet.Monitoring.Scraping;
using LlmFleet.Vllm.Metrics;

namespace LlmFleet.Monitoring;

/// <summary>
/// The history the fleet monitor keeps for one backend: the scrapes of the trailing window (with the gateway's own
/// attempt counters at each), the probe transitions that time a model load, and the latest exporter samples. Writers
/// are the backend's monitor loop and the exporter loop (about once a second); readers take a view under the lock.
/// </summary>
internal sealed class BackendTrack
{
    private readonly Lock _gate = new();
    private readonly Queue<Point> _points = new();
    private VllmScrape? _last;
    private DateTimeOffset _lastAt;
    private bool _healthy;
    private int _failedProbes;
    private DateTimeOffset? _downSince;
    private DateTimeOffset? _cameUpAt;
    private DateTimeOffset? _downBeforeUp;
    private DcgmScrape? _dcgm;
    private (DateTimeOffset At, NodeScrape Sample)? _node;
    private (DateTimeOffset At, NodeScrape Sample)? _nodeBefore;

    private sealed record Point(DateTimeOffset At, VllmScrape? Scrape, long Succeeded, long Failed);

    public void Scraped(IMonitoredBackend backend, VllmScrape? scrape, DateTimeOffset now, TimeSpan window)
    {
        lock (_gate)
        {
            _points.Enqueue(new Point(now, scrape, backend.AttemptsSucceeded, backend.AttemptsFailed));
            // Keep one point at or before the window's start, so differences cover the whole window.
            while (_points.Count > 2 && _points.ElementAt(1).At <= now - window)
            {
                _points.Dequeue();
            }
            if (scrape is not null)
            {
                _last = scrape;
                _lastAt = now;
            }
        }
    }

    public void Probed(bool healthy, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (!healthy)
            {
                _downSince ??= now;
                _healthy = false;
                _failedProbes++;
                return;
            }
            // Came up after the gateway saw it down: a (re)start whose load time we can measure. One failed probe is
            // a blip (a timeout on a busy host), not a start: a real load fails several probes.
            if (!_healthy && _downSince is { } since && _failedProbes >= 2)
            {
                _cameUpAt = now;
                _downBeforeUp = since;
            }
            _healthy = true;
            _downSince = null;
            _failedProbes = 0;
        }
    }

    public void Exported(DcgmScrape? dcgm, NodeScrape? node, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (dcgm is not null)
            {
                _dcgm = dcgm;
            }
            if (node is not null)
            {
                _nodeBefore = _node;
                _node = (now, node);
            }
        }
    }

    public BackendView View(int id, IMonitoredBackend state, DateTimeOffset now)
    {
        lock (_gate)
        {
            var view = new BackendView(id, state.Name, state.Url.ToString(), StatusOf(state))
            {
                Draining = state.IsDraining,
                InFlight = state.InFlight,
                ScrapeAgeSeconds = _last is null ? null : (now - _lastAt).TotalSeconds,
                LegacyMetricNames = _last?.UsesLegacyNames ?? false,
                Running = _last?.Running,
                Waiting = _last?.Waiting,
                KvCacheUsageFraction = _last?.KvCacheUsage,
                ModelLoadSeconds = LoadSeconds(),
                Gpus = GpuViewOf(_dcgm),
                Host = HostViewOf(),
            };
            return WithRates(view);
        }
    }

    private BackendView WithRates(BackendView view)
    {
        if (_points.Count < 2)
        {
            return view;
        }
        var first = _points.Peek();
        var last = _points.Last();
        var attempts = (last.Succeeded - first.Succeeded) + (last.Failed - first.Failed);
        view = view with
        {
            AttemptsInWindow = attempts,
            ErrorFraction = attempts > 0 ? (double)(last.Failed - first.Failed) / attempts : null,
        };
        var from = _points.FirstOrDefault(p => p.Scrape is not null);
        var to = _points.LastOrDefault(p => p.Scrape is not null);
        if (from is null || to is null || to.At <= from.At)
        {
            return view;
        }
        var seconds = (to.At - from.At).TotalSeconds;
        var a = from.Scrape!;
        var b = to.Scrape!;
        var ttft = b.TimeToFirstToken.Since(a.TimeToFirstToken);
        var itl = b.InterTokenLatency.Since(a.InterTokenLatency);
        var queries = Delta(a.PrefixCacheQueries, b.PrefixCacheQueries);
        return view with
        {
            PromptTokensPerSecond = Delta(a.PromptTokens, b.PromptTokens) / seconds,
            GenerationTokensPerSecond = Delta(a.GenerationTokens, b.GenerationTokens) / seconds,
            RequestsPerSecond = Delta(a.RequestsFinished, b.RequestsFinished) / seconds,
            PreemptionsInWindow = Delta(a.Preemptions, b.Preemptions),
            PrefixCacheHitFraction = queries > 0 ? Delta(a.PrefixCacheHits, b.PrefixCacheHits) / queries : null,
            TtftP50Seconds = ttft.Quantile(0.5),
            TtftP95Seconds = ttft.Quantile(0.95),
            InterTokenP50Seconds = itl.Quantile(0.5),
            InterTokenP95Seconds = itl.Quantile(0.95),
        };
    }

    /// <summary>A counter's increase; after a reset (the server restarted) its whole value, as PromQL's <c>increase</c>.</summary>
    private static double Delta(double before, double after) => after >= before ? after - before : after;

    private double? LoadSeconds()
    {
        if (_cameUpAt is not { } up || _downBeforeUp is not { } down)
        {
            return null;
        }
        // vLLM's process collector says when the process started, which beats "when we first saw it down".
        var start = down;
        if (_last?.ProcessStartUnixSeconds is { } unix && DateTimeOffset.FromUnixTimeMilliseconds((long)(unix * 1000)) is var process && process <= up)
        {
            start = process;
        }
        return (up - start).TotalSeconds;
    }

    /// <summary>Down wins over draining: during a restart window the operator watches the server go down and come back
    /// (alerts stay quiet for a drained backend either way).</summary>
    private static string StatusOf(IMonitoredBackend state) =>
        state.Healthy == false ? "down"
        : state.IsDraining ? "draining"
        : state.IsEjected ? "ejected"
        : state.Healthy == true ? "up"
        : "unknown";

    private static GpuView? GpuViewOf(DcgmScrape? dcgm)
    {
        if (dcgm is not { Gpus.Count: > 0 } d)
        {
            return null;
        }
        var temps = d.Gpus.Where(g => g.TemperatureCelsius is not null).Select(g => g.TemperatureCelsius!.Value).ToArray();
        var power = d.Gpus.Where(g => g.PowerWatts is not null).Select(g => g.PowerWatts!.Value).ToArray();
        return new GpuView(
            d.Gpus.Count,
            d.Gpus.Average(g => g.UtilizationPercent),
            d.Gpus.Sum(g => g.MemoryUsedBytes),
            d.Gpus.Sum(g => g.MemoryTotalBytes),
            d.Gpus.Max(g => g.MemoryTotalBytes > 0 ? (double)g.MemoryUsedBytes / g.MemoryTotalBytes : 0),
            temps.Length > 0 ? temps.Max() : null,
            power.Length > 0 ? power.Sum() : null,
            d.Gpus);
    }

    private HostView? HostViewOf()
    {
        if (_node is not { } now)
        {
            return null;
        }
        double? read = null, write = null, busy = null;
        if (_nodeBefore is { } before && now.At > before.At)
        {
            var seconds = (now.At - before.At).TotalSeconds;
            read = Delta(before.Sample.DiskReadBytes, now.Sample.DiskReadBytes) / seconds;
            write = Delta(before.Sample.DiskWrittenBytes, now.Sample.DiskWrittenBytes) / seconds;
            busy = Math.Min(1, Delta(before.Sample.DiskIoSeconds, now.Sample.DiskIoSeconds) / seconds);
        }
        return new HostView(now.Sample.MemoryTotalBytes, now.Sample.MemoryAvailableBytes, read, write, busy);
    }
}
