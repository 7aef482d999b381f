using System.Globalization;
using LlmFleet.Monitoring.Scraping;
using V = LlmFleet.Vllm.Metrics.VllmMetricNames;

namespace LlmFleet.Monitoring.Alerts;

/// <summary>
/// The built-in rules and their defaults, from published practice (sources per rule; docs/operations.md,
/// "Alerts", has the table). Thresholds and <c>for</c> durations are overridable per rule in <c>monitoring.alerts</c>.
/// </summary>
public static class AlertRules
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>Requests queue for admission: more load than <c>--max-num-seqs</c> and the KV cache admit.</summary>
    public static AlertRule QueueBacklog { get; } = new(
        "queue_backlog", "warning", "Requests are queueing on the backend: it is saturated",
        new AlertRuleSettings(5, TimeSpan.FromMinutes(1)),
        "vLLM production-stack dashboards and router scale on vllm:num_requests_waiting; a queue that stays above a few requests for a minute means sustained overload",
        (b, t) => b.Waiting > t ? $"{N(b.Waiting)} requests waiting (> {N(t)})" : null,
        t => $"sum by (instance) ({V.NumRequestsWaiting}) > {N(t)}");

    /// <summary>KV cache nearly full: the next long request preempts others.</summary>
    public static AlertRule KvCachePressure { get; } = new(
        "kv_cache_pressure", "warning", "KV cache nearly full: requests will be preempted and recomputed",
        new AlertRuleSettings(0.9, TimeSpan.FromMinutes(1)),
        "vLLM docs (Optimization and Tuning, Preemption): preemption starts when KV blocks run out; 90 % leaves a margin of one long prompt",
        (b, t) => b.KvCacheUsageFraction > t ? $"KV cache {N(b.KvCacheUsageFraction)} used (> {N(t)})" : null,
        t => $"max by (instance) ({V.KvCacheUsagePerc}) > {N(t)}");

    /// <summary>Preemptions in the window: the scheduler evicts running requests to free KV blocks.</summary>
    public static AlertRule Preemptions { get; } = new(
        "preemptions", "warning", "Preemptions rising: running requests are evicted for lack of KV cache",
        new AlertRuleSettings(0, TimeSpan.Zero),
        "vLLM docs (Optimization and Tuning): preemptions hurt end-to-end latency; any sustained increase calls for more KV cache, lower --max-num-seqs or more replicas",
        (b, t) => b.PreemptionsInWindow > t ? $"{N(b.PreemptionsInWindow)} preemptions in the last window (> {N(t)})" : null,
        t => $"sum by (instance) (increase({V.NumPreemptionsTotal}[1m])) > {N(t)}");

    /// <summary>Failed attempts (5xx, refused connections, broken streams) over attempts.</summary>
    public static AlertRule ErrorRate { get; } = new(
        "error_rate", "critical", "The backend fails more than 1 % of requests",
        new AlertRuleSettings(0.01, TimeSpan.FromMinutes(1)),
        "Google SRE Workbook, Alerting on SLOs: a 99 % availability objective is an error budget of 1 % of requests",
        (b, t) => b.ErrorFraction > t ? $"{Pct(b.ErrorFraction)} of {b.AttemptsInWindow} attempts failed (> {Pct(t)})" : null,
        t => $"sum by (backend) (rate(llmfleet_gateway_requests_total{{status=~\"5..\"}}[1m])) / sum by (backend) (rate(llmfleet_gateway_requests_total[1m])) > {N(t)}");

    /// <summary>The health probe fails (process dead, engine dead, or unreachable). Not raised while draining.</summary>
    public static AlertRule BackendDown { get; } = new(
        "backend_down", "critical", "The backend fails its health check",
        new AlertRuleSettings(0, TimeSpan.FromMinutes(1)),
        "Prometheus' own practice (awesome-prometheus-alerts, PrometheusTargetMissing: up == 0 for 1m); vLLM's /health answers 503 when its engine died",
        (b, _) => b.Status == "down" ? "the health probe fails" : null,
        _ => "up{job=\"vllm\"} == 0");

    /// <summary>Time to first token p95 above the target the team serves to.</summary>
    public static AlertRule TtftP95 { get; } = new(
        "ttft_p95_high", "warning", "Time to first token p95 is over target",
        new AlertRuleSettings(5, TimeSpan.FromMinutes(1)),
        "vLLM production-stack and llm-d dashboards track TTFT p95 from vllm:time_to_first_token_seconds; 5 s is a placeholder for your SLO",
        (b, t) => b.TtftP95Seconds > t ? $"TTFT p95 {N(b.TtftP95Seconds)} s (> {N(t)} s)" : null,
        t => $"histogram_quantile(0.95, sum by (instance, le) (rate({V.TimeToFirstTokenSeconds}_bucket[1m]))) > {N(t)}");

    /// <summary>A GPU's framebuffer nearly full: the next allocation (a CUDA graph, a larger batch) fails.</summary>
    public static AlertRule GpuMemory { get; } = new(
        "gpu_memory_high", "warning", "GPU memory above 95 %",
        new AlertRuleSettings(0.95, TimeSpan.FromMinutes(1)),
        "NVIDIA DCGM exporter metrics DCGM_FI_DEV_FB_USED/FREE; vLLM reserves --gpu-memory-utilization (default 0.9), so more than 95 % means a second process or a setting too high",
        (b, t) => b.Gpus?.MaxMemoryUsedFraction > t ? $"GPU memory {Pct(b.Gpus.MaxMemoryUsedFraction)} used on the fullest GPU (> {Pct(t)})" : null,
        t => $"max by (Hostname) ({DcgmScrape.FbUsed} / ({DcgmScrape.FbUsed} + {DcgmScrape.FbFree})) > {N(t)}");

    public static IReadOnlyList<AlertRule> All { get; } = [BackendDown, ErrorRate, QueueBacklog, KvCachePressure, Preemptions, TtftP95, GpuMemory];

    public static AlertRule? Find(string name) => All.FirstOrDefault(r => r.Name == name);

    private static string N(double? value) => value?.ToString("0.###", C) ?? "?";

    private static string Pct(double? value) => value is { } v ? (v * 100).ToString("0.#", C) + " %" : "?";
}
