namespace LlmFleet.Vllm.Metrics;

/// <summary>
/// Names older vLLM servers still export for what <see cref="VllmMetricNames"/> calls by its current name. V1
/// renamed them (vllm/v1/metrics/loggers.py, "deprecated" gauges and counters kept behind
/// <c>--show-hidden-metrics-for-version</c>; docs/design/metrics.md lists the V0 set): a fleet mid-upgrade has both.
/// </summary>
public static class VllmMetricAliases
{
    /// <summary>V0 and early V1 name of <see cref="VllmMetricNames.KvCacheUsagePerc"/>.</summary>
    public const string GpuCacheUsagePerc = "vllm:gpu_cache_usage_perc";

    /// <summary>Old name of <see cref="VllmMetricNames.InterTokenLatencySeconds"/> (deprecated in vLLM 0.11).</summary>
    public const string TimePerOutputTokenSeconds = "vllm:time_per_output_token_seconds";

    /// <summary>Old names of <see cref="VllmMetricNames.PrefixCacheQueriesTotal"/> and <see cref="VllmMetricNames.PrefixCacheHitsTotal"/>.</summary>
    public const string GpuPrefixCacheQueriesTotal = "vllm:gpu_prefix_cache_queries_total";

    public const string GpuPrefixCacheHitsTotal = "vllm:gpu_prefix_cache_hits_total";

    /// <summary>prometheus_client's process collector: when the server process started (Unix seconds).</summary>
    public const string ProcessStartTimeSeconds = "process_start_time_seconds";
}
