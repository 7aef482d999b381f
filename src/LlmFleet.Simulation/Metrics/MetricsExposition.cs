using System.Globalization;
using System.Text;
using LlmFleet.Simulation.Hosting;
using LlmFleet.Vllm.Metrics;
using LlmFleet.Vllm.Versions;

namespace LlmFleet.Simulation.Metrics;

/// <summary>
/// Writes <see cref="TwinMetrics"/> in the Prometheus text format as vLLM's prometheus_client does: HELP and TYPE
/// lines, labels sorted by name, numbers as Python prints floats (<c>3.0</c>), and only the families the chosen vLLM
/// version exports (<see cref="VllmWire.MetricFamilies"/>). The <c>_created</c> series that Python adds are left out;
/// nothing that reads vLLM's metrics uses them. Help texts are vLLM's (vllm/v1/metrics/loggers.py).
/// </summary>
internal static class MetricsExposition
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static string Write(TwinMetrics m, TwinProfile profile, int engine = 0)
    {
        var w = new Writer(profile.Wire, $"engine=\"{engine}\",model_name=\"{Escape(m.ModelName)}\"");

        w.Single(VllmMetricNames.NumRequestsRunning, "gauge", "Number of requests in model execution batches.", m.Running);
        w.Single(VllmMetricNames.NumRequestsWaiting, "gauge", "Number of requests waiting to be processed.", m.Waiting);
        if (w.Header(VllmMetricNames.EngineSleepState, "gauge", "Engine sleep state; awake = 0 means engine is sleeping; awake = 1 means engine is awake; weights_offloaded = 1 means sleep level 1; discard_all = 1 means sleep level 2."))
        {
            foreach (var (state, value) in (ReadOnlySpan<(string, double)>)[("awake", 1), ("weights_offloaded", 0), ("discard_all", 0)])
            {
                w.Sample(VllmMetricNames.EngineSleepState, $"engine=\"{engine}\",model_name=\"{Escape(m.ModelName)}\",sleep_state=\"{state}\"", value);
            }
        }
        w.Single(VllmMetricNames.KvCacheUsagePerc, "gauge", "KV-cache usage. 1 means 100 percent usage.", m.KvCacheUsage);
        w.Single(VllmMetricNames.PrefixCacheQueriesTotal, "counter", "Prefix cache queries, in terms of number of queried tokens.", m.PrefixCacheQueries);
        w.Single(VllmMetricNames.PrefixCacheHitsTotal, "counter", "Prefix cache hits, in terms of number of cached tokens.", m.PrefixCacheHits);
        w.Single(VllmMetricNames.ExternalPrefixCacheQueriesTotal, "counter", "External prefix cache queries from KV connector cross-instance cache sharing, in terms of number of queried tokens.", 0);
        w.Single(VllmMetricNames.ExternalPrefixCacheHitsTotal, "counter", "External prefix cache hits from KV connector cross-instance cache sharing, in terms of number of cached tokens.", 0);
        w.Single(VllmMetricNames.MmCacheQueriesTotal, "counter", "Multi-modal cache queries, in terms of number of queried items.", 0);
        w.Single(VllmMetricNames.MmCacheHitsTotal, "counter", "Multi-modal cache hits, in terms of number of cached items.", 0);
        w.Single(VllmMetricNames.NumPreemptionsTotal, "counter", "Cumulative number of preemption from the engine.", m.Preemptions);
        w.Single(VllmMetricNames.PromptTokensTotal, "counter", "Number of prefill tokens processed.", m.PromptTokens);
        if (w.Header(VllmMetricNames.PromptTokensBySourceTotal, "counter", "Number of prompt tokens by source."))
        {
            foreach (var (source, value) in (ReadOnlySpan<(string, long)>)[
                ("local_compute", m.PromptTokens - m.CachedPromptTokens), ("local_cache_hit", m.CachedPromptTokens), ("external_kv_transfer", 0)])
            {
                w.Sample(VllmMetricNames.PromptTokensBySourceTotal, $"engine=\"{engine}\",model_name=\"{Escape(m.ModelName)}\",source=\"{source}\"", value);
            }
        }
        w.Single(VllmMetricNames.PromptTokensCachedTotal, "counter", "Number of cached prompt tokens (local + external).", m.CachedPromptTokens);
        // The twin's prefix cache always leaves the last block to compute, so no cached token is computed again.
        w.Single(VllmMetricNames.PromptTokensRecomputedTotal, "counter", "Number of cached tokens recomputed for forward pass.", 0);
        w.Single(VllmMetricNames.GenerationTokensTotal, "counter", "Number of generation tokens processed.", m.GenerationTokens);

        if (w.Header(VllmMetricNames.RequestSuccessTotal, "counter", "Count of successfully processed requests."))
        {
            foreach (var reason in profile.Wire.FinishedReasons)
            {
                w.Sample(VllmMetricNames.RequestSuccessTotal,
                    $"engine=\"{engine}\",finished_reason=\"{reason}\",model_name=\"{Escape(m.ModelName)}\"", m.Finished(reason));
            }
        }

        w.Histogram(VllmMetricNames.RequestPromptTokens, "Number of prefill tokens processed.", m.PromptTokensPerRequest);
        w.Histogram(VllmMetricNames.RequestGenerationTokens, "Number of generation tokens processed.", m.GenerationTokensPerRequest);
        w.Histogram(VllmMetricNames.IterationTokensTotal, "Histogram of number of tokens per engine_step.", m.IterationTokens);
        w.Histogram(VllmMetricNames.RequestMaxNumGenerationTokens, "Histogram of maximum number of requested generation tokens.", m.MaxNumGenerationTokens);
        w.Histogram(VllmMetricNames.RequestParamsN, "Histogram of the n request parameter.", m.ParamsN);
        w.Histogram(VllmMetricNames.RequestParamsMaxTokens, "Histogram of the max_tokens request parameter.", m.ParamsMaxTokens);
        w.Histogram(VllmMetricNames.TimeToFirstTokenSeconds, "Histogram of time to first token in seconds.", m.TimeToFirstToken);
        // 0.11 still shows the old name of the inter-token latency, fed the same observations.
        w.Histogram(VllmMetricAliases.TimePerOutputTokenSeconds, "Histogram of time per output token in seconds.DEPRECATED: Use vllm:inter_token_latency_seconds instead.", m.InterTokenLatency);
        w.Histogram(VllmMetricNames.InterTokenLatencySeconds, "Histogram of inter-token latency in seconds.", m.InterTokenLatency);
        w.Histogram(VllmMetricNames.RequestTimePerOutputTokenSeconds, "Histogram of time_per_output_token_seconds per request.", m.RequestTimePerOutputToken);
        w.Histogram(VllmMetricNames.E2eRequestLatencySeconds, "Histogram of e2e request latency in seconds.", m.E2eLatency);
        w.Histogram(VllmMetricNames.RequestQueueTimeSeconds, "Histogram of time spent in WAITING phase for request.", m.QueueTime);
        w.Histogram(VllmMetricNames.RequestInferenceTimeSeconds, "Histogram of time spent in RUNNING phase for request.", m.InferenceTime);
        w.Histogram(VllmMetricNames.RequestPrefillTimeSeconds, "Histogram of time spent in PREFILL phase for request.", m.PrefillTime);
        w.Histogram(VllmMetricNames.RequestDecodeTimeSeconds, "Histogram of time spent in DECODE phase for request.", m.DecodeTime);
        w.Histogram(VllmMetricNames.RequestPrefillKvComputedTokens, "Histogram of new KV tokens computed during prefill (excluding cached tokens).", m.PrefillKvComputedTokens);

        if (w.Header(VllmMetricNames.CacheConfigInfo, "gauge", "Information of the LLMEngine CacheConfig"))
        {
            // A subset of CacheConfig.metrics_info(): the fields an operator reads; all label values are strings.
            w.Sample(VllmMetricNames.CacheConfigInfo,
                $"block_size=\"16\",cache_dtype=\"{Escape(profile.KvCacheDtype)}\",enable_prefix_caching=\"True\",engine=\"{engine}\"," +
                $"gpu_memory_utilization=\"{Number(profile.GpuMemoryUtilization)}\",num_gpu_blocks=\"{profile.KvCacheBlocks}\"", 1);
        }
        return w.ToString();
    }

    /// <summary>Python's float formatting: integral values keep a <c>.0</c>.</summary>
    internal static string Number(double value)
    {
        if (double.IsPositiveInfinity(value))
        {
            return "+Inf";
        }
        var s = value.ToString("R", CultureInfo.InvariantCulture);
        return value == Math.Floor(value) && Math.Abs(value) < 1e16 && !s.Contains('E') ? s + ".0" : s;
    }

    private static string Escape(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)
             .Replace("\n", "\\n", StringComparison.Ordinal);

    /// <summary>The text being written: skips whatever family the version does not export.</summary>
    private sealed class Writer(VllmWire wire, string labels)
    {
        private readonly StringBuilder _sb = new(32 * 1024);

        /// <summary>Writes HELP and TYPE when the version exports <paramref name="name"/>; false (nothing written) otherwise.</summary>
        public bool Header(string name, string type, string help)
        {
            if (!wire.MetricFamilies.Contains(name))
            {
                return false;
            }
            _sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n')
               .Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
            return true;
        }

        public void Sample(string name, string sampleLabels, double value) =>
            _sb.Append(name).Append('{').Append(sampleLabels).Append("} ").Append(Number(value)).Append('\n');

        public void Single(string name, string type, string help, double value)
        {
            if (Header(name, type, help))
            {
                Sample(name, labels, value);
            }
        }

        public void Histogram(string name, string help, Histogram h)
        {
            if (!Header(name, "histogram", help))
            {
                return;
            }
            var counts = h.CumulativeCounts();
            var engineLabel = labels[..labels.IndexOf(',', StringComparison.Ordinal)];
            var modelLabel = labels[(labels.IndexOf(',', StringComparison.Ordinal) + 1)..];
            for (var i = 0; i < counts.Length; i++)
            {
                var le = i < h.UpperBounds.Count ? Number(h.UpperBounds[i]) : "+Inf";
                _sb.Append(name).Append("_bucket{").Append(engineLabel).Append(",le=\"").Append(le).Append("\",")
                   .Append(modelLabel).Append("} ").Append(Number(counts[i])).Append('\n');
            }
            Sample(name + "_count", labels, counts[^1]);
            Sample(name + "_sum", labels, h.Sum);
        }

        public override string ToString() => _sb.ToString();
    }
}
