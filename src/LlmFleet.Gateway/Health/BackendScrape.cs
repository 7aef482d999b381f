using LlmFleet.Gateway.Model;
using LlmFleet.Vllm.Metrics;

namespace LlmFleet.Gateway.Health;

/// <summary>Reads the routing gauges out of a vLLM <c>/metrics</c> text (all engines of a data-parallel server).</summary>
public static class BackendScrape
{
    public static BackendLoad Parse(ReadOnlySpan<char> text, DateTimeOffset now)
    {
        double running = 0, waiting = 0, kv = 0;
        foreach (var sample in PrometheusText.EnumerateSamples(text))
        {
            if (sample.Name.SequenceEqual(VllmMetricNames.NumRequestsRunning))
            {
                running += sample.Value;
            }
            else if (sample.Name.SequenceEqual(VllmMetricNames.NumRequestsWaiting))
            {
                waiting += sample.Value;
            }
            else if (sample.Name.SequenceEqual(VllmMetricNames.KvCacheUsagePerc) || sample.Name.SequenceEqual(Monitoring.Scraping.VllmMetricAliases.GpuCacheUsagePerc))
            {
                // Engines of one server fill up alike; the fullest one decides when preemption starts.
                kv = Math.Max(kv, sample.Value);
            }
        }
        return new BackendLoad(running, waiting, kv, now);
    }
}
