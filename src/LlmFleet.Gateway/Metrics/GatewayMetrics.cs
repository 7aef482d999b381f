using System.Collections.Concurrent;
using System.Globalization;
using LlmFleet.Gateway.Model;
using LlmFleet.Gateway.Routing;
using LlmFleet.Vllm.Metrics;
using Prometheus;

namespace LlmFleet.Gateway.Metrics;

/// <summary>
/// The gateway's Prometheus metrics, in a registry of its own (several gateways can share a process: tests, <c>up</c>).
/// Per-backend vLLM gauges are copied from the scraped state when Prometheus collects, so routing never touches
/// metric objects for them.
/// </summary>
public sealed class GatewayMetrics
{
    private static readonly string[] StatusNames = Enumerable.Range(0, 600).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
    private static readonly double[] LatencyBuckets = Histogram.ExponentialBuckets(0.0005, 2, 20);

    private readonly Counter _requests;
    private readonly Gauge _inFlight;
    private readonly Counter _retries;
    private readonly Counter _ejections;
    private readonly Histogram _upstreamLatency;
    private readonly Histogram _timeToFirstToken;
    private readonly Counter _promptTokens;
    private readonly Counter _completionTokens;
    private readonly Gauge _backendRunning;
    private readonly Gauge _backendWaiting;
    private readonly Gauge _backendKv;
    private readonly Gauge _backendHealthy;
    private readonly Gauge _backendInFlight;
    private readonly HashSet<string> _exported = [];

    public GatewayMetrics(Func<RoutingTable> current)
    {
        Registry = Prometheus.Metrics.NewCustomRegistry();
        var f = Prometheus.Metrics.WithCustomRegistry(Registry);
        _requests = f.CreateCounter("llmfleet_gateway_requests_total", "Requests answered, by model, backend (\"none\" when none was reached) and HTTP status (499: the client left).", "model", "backend", "status");
        _inFlight = f.CreateGauge("llmfleet_gateway_requests_in_flight", "Requests being forwarded or streamed, by model.", "model");
        _retries = f.CreateCounter("llmfleet_gateway_retries_total", "Requests sent to another backend after a connection failure or a 502/503, by model.", "model");
        _ejections = f.CreateCounter("llmfleet_gateway_backend_ejections_total", "Times a backend was ejected after consecutive failures.", "backend");
        _upstreamLatency = f.CreateHistogram("llmfleet_gateway_upstream_latency_seconds", "From sending to a backend to the end of its response, by model and backend.",
            new HistogramConfiguration { LabelNames = ["model", "backend"], Buckets = LatencyBuckets });
        _timeToFirstToken = f.CreateHistogram("llmfleet_gateway_time_to_first_token_seconds", "Streamed requests: from receiving the request to relaying the first event, by model.",
            new HistogramConfiguration { LabelNames = ["model"], Buckets = LatencyBuckets });
        _promptTokens = f.CreateCounter("llmfleet_gateway_prompt_tokens_total", "Prompt tokens, from the responses' usage, by model.", "model");
        _completionTokens = f.CreateCounter("llmfleet_gateway_completion_tokens_total", "Generated tokens, from the responses' usage, by model.", "model");
        _backendRunning = f.CreateGauge(Reexported(VllmMetricNames.NumRequestsRunning), "Scraped from the backend: requests in its running batch.", "backend");
        _backendWaiting = f.CreateGauge(Reexported(VllmMetricNames.NumRequestsWaiting), "Scraped from the backend: requests waiting for admission.", "backend");
        _backendKv = f.CreateGauge(Reexported(VllmMetricNames.KvCacheUsagePerc), "Scraped from the backend: fraction of KV-cache blocks in use.", "backend");
        _backendHealthy = f.CreateGauge("llmfleet_gateway_backend_available", "1 when the backend passes its health probe and is not ejected.", "backend");
        _backendInFlight = f.CreateGauge("llmfleet_gateway_backend_in_flight", "Requests in flight from this gateway, by backend.", "backend");
        Registry.AddBeforeCollectCallback(() => ExportBackends(current()));
    }

    public CollectorRegistry Registry { get; }

    /// <summary>A scraped vLLM metric's name as the gateway re-exports it: the colon (reserved for recording rules,
    /// refused by prometheus-net) becomes an underscore, e.g. <c>vllm_num_requests_running{backend="…"}</c>.</summary>
    public static string Reexported(string vllmName) => vllmName.Replace(':', '_');

    internal static string StatusName(int status) => (uint)status < StatusNames.Length ? StatusNames[status] : status.ToString(CultureInfo.InvariantCulture);

    // Label lookups (hashing the label values, an array per call) cost more than the increments; the request path
    // therefore keeps each pool's and each pool/backend pair's series, found by reference.
    private readonly ConcurrentDictionary<ModelPool, PoolSeries> _pools = new();
    private readonly ConcurrentDictionary<(ModelPool, BackendState?), BackendSeries> _backends = new();

    private PoolSeries Series(ModelPool pool) => _pools.GetOrAdd(pool, p => new PoolSeries(this, p.Name));

    private BackendSeries Series(ModelPool pool, BackendState? backend) =>
        _backends.GetOrAdd((pool, backend), k => new BackendSeries(this, k.Item1.Name, k.Item2?.Name ?? "none"));

    internal void RequestStarted(ModelPool pool) => Series(pool).InFlight.Inc();

    internal void RequestEnded(ModelPool pool, BackendState? backend, int status)
    {
        Series(pool).InFlight.Dec();
        Series(pool, backend).Requests(status).Inc();
    }

    /// <summary>A request refused before routing (bad body, unknown model): counted with <c>model</c> as sent or "unknown".</summary>
    internal void RequestRefused(string model, int status) => _requests.WithLabels(model, "none", StatusName(status)).Inc();

    internal void Retried(ModelPool pool) => Series(pool).Retries.Inc();

    internal void UpstreamLatency(ModelPool pool, BackendState backend, TimeSpan elapsed) =>
        Series(pool, backend).Latency.Observe(elapsed.TotalSeconds);

    internal void TimeToFirstToken(ModelPool pool, TimeSpan elapsed) => Series(pool).TimeToFirstToken.Observe(elapsed.TotalSeconds);

    internal void Tokens(ModelPool pool, long prompt, long completion)
    {
        var series = Series(pool);
        series.PromptTokens.Inc(prompt);
        series.CompletionTokens.Inc(completion);
    }

    /// <summary>Forgets the series of pools a reload replaced (the exported values stay).</summary>
    internal void Forget(RoutingTable current)
    {
        foreach (var pool in _pools.Keys.Where(p => !current.Pools.Contains(p)))
        {
            _pools.TryRemove(pool, out _);
        }
        foreach (var key in _backends.Keys.Where(k => !current.Pools.Contains(k.Item1)))
        {
            _backends.TryRemove(key, out _);
        }
    }

    private sealed class PoolSeries(GatewayMetrics m, string model)
    {
        public Gauge.Child InFlight { get; } = m._inFlight.WithLabels(model);

        public Counter.Child Retries { get; } = m._retries.WithLabels(model);

        public Histogram.Child TimeToFirstToken { get; } = m._timeToFirstToken.WithLabels(model);

        public Counter.Child PromptTokens { get; } = m._promptTokens.WithLabels(model);

        public Counter.Child CompletionTokens { get; } = m._completionTokens.WithLabels(model);
    }

    private sealed class BackendSeries(GatewayMetrics m, string model, string backend)
    {
        private readonly Counter.Child?[] _byStatus = new Counter.Child?[600];

        public Histogram.Child Latency { get; } = m._upstreamLatency.WithLabels(model, backend);

        public Counter.Child Requests(int status) => (uint)status < (uint)_byStatus.Length
            ? _byStatus[status] ??= m._requests.WithLabels(model, backend, StatusName(status))
            : m._requests.WithLabels(model, backend, StatusName(status));
    }

    internal void Ejected(BackendState backend) => _ejections.WithLabels(backend.Name).Inc();



    private void ExportBackends(RoutingTable table)
    {
        lock (_exported)
        {
            var now = new HashSet<string>();
            foreach (var b in table.Backends)
            {
                now.Add(b.Name);
                var load = b.Load;
                _backendRunning.WithLabels(b.Name).Set(load.Running);
                _backendWaiting.WithLabels(b.Name).Set(load.Waiting);
                _backendKv.WithLabels(b.Name).Set(load.KvCacheUsage);
                _backendHealthy.WithLabels(b.Name).Set(b.IsAvailable ? 1 : 0);
                _backendInFlight.WithLabels(b.Name).Set(b.InFlight);
            }
            // Backends removed by a reload stop being exported.
            foreach (var gone in _exported.Where(n => !now.Contains(n)).ToArray())
            {
                foreach (var g in new[] { _backendRunning, _backendWaiting, _backendKv, _backendHealthy, _backendInFlight })
                {
                    g.RemoveLabelled(gone);
                }
                _exported.Remove(gone);
            }
            _exported.UnionWith(now);
        }
    }
}
