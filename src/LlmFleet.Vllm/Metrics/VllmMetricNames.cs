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

    // The rest of vLLM's PrometheusStatLogger (which versions export which: LlmFleet.Vllm.Versions.VllmWire).
    public const string SleepStateLabel = "sleep_state";
    public const string SourceLabel = "source";

    /// <summary>Gauges by <see cref="SleepStateLabel"/> (<c>awake</c>, <c>weights_offloaded</c>, <c>discard_all</c>).</summary>
    public const string EngineSleepState = "vllm:engine_sleep_state";

    /// <summary>A gauge at 1 whose labels are the engine's cache configuration.</summary>
    public const string CacheConfigInfo = "vllm:cache_config_info";

    public const string ExternalPrefixCacheQueriesTotal = "vllm:external_prefix_cache_queries_total";
    public const string ExternalPrefixCacheHitsTotal = "vllm:external_prefix_cache_hits_total";
    public const string MmCacheQueriesTotal = "vllm:mm_cache_queries_total";
    public const string MmCacheHitsTotal = "vllm:mm_cache_hits_total";

    /// <summary>Prompt tokens by <see cref="SourceLabel"/>: <c>local_compute</c>, <c>local_cache_hit</c>, <c>external_kv_transfer</c>.</summary>
    public const string PromptTokensBySourceTotal = "vllm:prompt_tokens_by_source_total";
    public const string PromptTokensCachedTotal = "vllm:prompt_tokens_cached_total";
    public const string PromptTokensRecomputedTotal = "vllm:prompt_tokens_recomputed_total";

    /// <summary>Tokens (prompt and generated) per engine step; a histogram despite its name.</summary>
    public const string IterationTokensTotal = "vllm:iteration_tokens_total";
    public const string RequestMaxNumGenerationTokens = "vllm:request_max_num_generation_tokens";
    public const string RequestParamsN = "vllm:request_params_n";
    public const string RequestParamsMaxTokens = "vllm:request_params_max_tokens";
    public const string RequestTimePerOutputTokenSeconds = "vllm:request_time_per_output_token_seconds";
    public const string RequestInferenceTimeSeconds = "vllm:request_inference_time_seconds";
    public const string RequestPrefillTimeSeconds = "vllm:request_prefill_time_seconds";
    public const string RequestDecodeTimeSeconds = "vllm:request_decode_time_seconds";
    public const string RequestPrefillKvComputedTokens = "vllm:request_prefill_kv_computed_tokens";
}
