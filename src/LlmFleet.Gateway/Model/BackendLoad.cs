namespace LlmFleet.Gateway.Model;

/// <summary>The vLLM gauges last scraped from one backend's <c>/metrics</c>, swapped whole on each scrape.</summary>
/// <param name="Running">Requests in the running batch (<c>vllm:num_requests_running</c>).</param>
/// <param name="Waiting">Requests queued for admission (<c>vllm:num_requests_waiting</c>).</param>
/// <param name="KvCacheUsage">Fraction 0–1 of KV-cache blocks in use (<c>vllm:kv_cache_usage_perc</c>).</param>
public sealed record BackendLoad(double Running, double Waiting, double KvCacheUsage, DateTimeOffset ScrapedAt)
{
    public static BackendLoad None { get; } = new(0, 0, 0, DateTimeOffset.MinValue);
}
