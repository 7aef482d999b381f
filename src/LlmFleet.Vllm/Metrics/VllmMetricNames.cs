namespace LlmFleet.Vllm.Metrics;

/// <summary>
/// Names of the metrics vLLM (V1 engine) exports on <c>/metrics</c>, as they appear in the exposition text (counters
/// with their <c>_total</c> suffix). Every series carries the labels <see cref="ModelNameLabel"/> and
/// <see cref="EngineLabel"/>. Source: vllm/v1/metrics/loggers.py.
/// </summary>
public static class VllmMetricNames
{
    public const string ModelNameLabel = "model_name";
    public const string EngineLabel = "engine";
    public const string FinishedReasonLabel = "finished_reason";

    // Gauges: the scheduler's state after the last step.
    public const string NumRequestsRunning = "vllm:num_requests_running";
    public const string NumRequestsWaiting = "vllm:num_requests_waiting";

    /// <summary>Fraction (0–1) of KV-cache blocks in use.</summary>
    public const string KvCacheUsagePerc = "vllm:kv_cache_usage_perc";

    // Counters.
    public const string PromptTokensTotal = "vllm:prompt_tokens_total";
    public const string GenerationTokensTotal = "vllm:generation_tokens_total";

    /// <summary>Prompt tokens looked up in the prefix cache.</summary>
    public const string PrefixCacheQueriesTotal = "vllm:prefix_cache_queries_total";

    /// <summary>Prompt tokens found in the prefix cache.</summary>
    public const string PrefixCacheHitsTotal = "vllm:prefix_cache_hits_total";

    public const string NumPreemptionsTotal = "vllm:num_preemptions_total";

    /// <summary>Finished requests by <see cref="FinishedReasonLabel"/> (<c>stop</c>, <c>length</c>, <c>abort</c>).</summary>
    public const string RequestSuccessTotal = "vllm:request_success_total";

    // Histograms (each exported as _bucket, _sum and _count).
    public const string TimeToFirstTokenSeconds = "vllm:time_to_first_token_seconds";
    public const string InterTokenLatencySeconds = "vllm:inter_token_latency_seconds";
    public const string E2eRequestLatencySeconds = "vllm:e2e_request_latency_seconds";
    public const string RequestQueueTimeSeconds = "vllm:request_queue_time_seconds";
    public const string RequestPromptTokens = "vllm:request_prompt_tokens";
    public const string RequestGenerationTokens = "vllm:request_generation_tokens";
}
