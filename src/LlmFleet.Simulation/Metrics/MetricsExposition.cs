using System.Globalization;
using System.Text;
using LlmFleet.Simulation.Engine;
using LlmFleet.Vllm.Metrics;

namespace LlmFleet.Simulation.Metrics;

/// <summary>
/// Writes <see cref="TwinMetrics"/> in the Prometheus text format as vLLM's prometheus_client does: HELP and TYPE
/// lines, labels sorted by name, numbers as Python prints floats (<c>3.0</c>). The <c>_created</c> series that Python
/// adds are left out; nothing that reads vLLM's metrics uses them.
/// </summary>
internal static class MetricsExposition
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static string Write(TwinMetrics m, int engine = 0)
    {
        var sb = new StringBuilder(16 * 1024);
        var labels = $"engine=\"{engine}\",model_name=\"{Escape(m.ModelName)}\"";

        Single(sb, VllmMetricNames.NumRequestsRunning, "gauge", "Number of requests in model execution batches.", labels, m.Running);
        Single(sb, VllmMetricNames.NumRequestsWaiting, "gauge", "Number of requests waiting to be processed.", labels, m.Waiting);
        Single(sb, VllmMetricNames.KvCacheUsagePerc, "gauge", "KV-cache usage. 1 means 100 percent usage.", labels, m.KvCacheUsage);
        Single(sb, VllmMetricNames.PrefixCacheQueriesTotal, "counter", "Prefix cache queries, in terms of number of queried tokens.", labels, m.PrefixCacheQueries);
        Single(sb, VllmMetricNames.PrefixCacheHitsTotal, "counter", "Prefix cache hits, in terms of number of cached tokens.", labels, m.PrefixCacheHits);
        Single(sb, VllmMetricNames.NumPreemptionsTotal, "counter", "Cumulative number of preemption from the engine.", labels, m.Preemptions);
        Single(sb, VllmMetricNames.PromptTokensTotal, "counter", "Number of prefill tokens processed.", labels, m.PromptTokens);
        Single(sb, VllmMetricNames.GenerationTokensTotal, "counter", "Number of generation tokens processed.", labels, m.GenerationTokens);

        Header(sb, VllmMetricNames.RequestSuccessTotal, "counter", "Count of successfully processed requests.");
        foreach (var reason in (ReadOnlySpan<EngineFinishReason>)[EngineFinishReason.Stop, EngineFinishReason.Length, EngineFinishReason.Abort])
        {
            Sample(sb, VllmMetricNames.RequestSuccessTotal,
                $"engine=\"{engine}\",finished_reason=\"{TwinMetrics.Label(reason)}\",model_name=\"{Escape(m.ModelName)}\"", m.Finished(reason));
        }

        HistogramFamily(sb, VllmMetricNames.RequestPromptTokens, "Number of prefill tokens processed.", engine, m.ModelName, m.PromptTokensPerRequest);
        HistogramFamily(sb, VllmMetricNames.RequestGenerationTokens, "Number of generation tokens processed.", engine, m.ModelName, m.GenerationTokensPerRequest);
        HistogramFamily(sb, VllmMetricNames.TimeToFirstTokenSeconds, "Histogram of time to first token in seconds.", engine, m.ModelName, m.TimeToFirstToken);
        HistogramFamily(sb, VllmMetricNames.InterTokenLatencySeconds, "Histogram of inter-token latency in seconds.", engine, m.ModelName, m.InterTokenLatency);
        HistogramFamily(sb, VllmMetricNames.E2eRequestLatencySeconds, "Histogram of e2e request latency in seconds.", engine, m.ModelName, m.E2eLatency);
        HistogramFamily(sb, VllmMetricNames.RequestQueueTimeSeconds, "Histogram of time spent in WAITING phase for request.", engine, m.ModelName, m.QueueTime);
        return sb.ToString();
    }

    private static void Single(StringBuilder sb, string name, string type, string help, string labels, double value)
    {
        Header(sb, name, type, help);
        Sample(sb, name, labels, value);
    }

    private static void Header(StringBuilder sb, string name, string type, string help) =>
        sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n')
          .Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');

    private static void Sample(StringBuilder sb, string name, string labels, double value) =>
        sb.Append(name).Append('{').Append(labels).Append("} ").Append(Number(value)).Append('\n');

    private static void HistogramFamily(StringBuilder sb, string name, string help, int engine, string model, Histogram h)
    {
        Header(sb, name, "histogram", help);
        var counts = h.CumulativeCounts();
        var modelLabel = $"model_name=\"{Escape(model)}\"";
        for (var i = 0; i < counts.Length; i++)
        {
            var le = i < h.UpperBounds.Count ? Number(h.UpperBounds[i]) : "+Inf";
            sb.Append(name).Append("_bucket{engine=\"").Append(engine).Append("\",le=\"").Append(le).Append("\",")
              .Append(modelLabel).Append("} ").Append(Number(counts[i])).Append('\n');
        }
        var labels = $"engine=\"{engine}\",{modelLabel}";
        Sample(sb, name + "_count", labels, counts[^1]);
        Sample(sb, name + "_sum", labels, h.Sum);
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
}
