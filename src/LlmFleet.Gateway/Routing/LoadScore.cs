using LlmFleet.Gateway.Model;

namespace LlmFleet.Gateway.Routing;

/// <summary>
/// How busy a backend is, in "requests": <c>max(in_flight, running + waiting) + waiting + 4 × kv_cache_usage</c>.
/// The gateway's own in-flight count is exact and current; the scraped gauges are up to one scrape old but also see
/// traffic that bypasses this gateway, hence the max rather than the sum (our requests are in both). A queued request
/// counts twice: it waits for a whole batch slot, where one more running sequence only slows decoding a little. A
/// nearly full KV cache means the next admissions preempt, so it weighs like a few queued requests.
/// </summary>
public static class LoadScore
{
    public const double KvCacheWeight = 4;

    public static double Of(BackendState state)
    {
        var load = state.Load;
        return Math.Max(state.InFlight, load.Running + load.Waiting) + load.Waiting + KvCacheWeight * load.KvCacheUsage;
    }
}
