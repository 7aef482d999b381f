using LlmFleet.Vllm.Metrics;

namespace LlmFleet.Vllm.Tests.Metrics;

public sealed class VllmScrapeTests
{
    private const string Current = """
        # TYPE vllm:num_requests_running gauge
        vllm:num_requests_running{engine="0",model_name="m"} 3.0
        vllm:num_requests_running{engine="1",model_name="m"} 2.0
        vllm:num_requests_waiting{engine="0",model_name="m"} 4.0
        vllm:kv_cache_usage_perc{engine="0",model_name="m"} 0.5
        vllm:kv_cache_usage_perc{engine="1",model_name="m"} 0.75
        vllm:prefix_cache_queries_total{engine="0",model_name="m"} 100.0
        vllm:prefix_cache_hits_total{engine="0",model_name="m"} 40.0
        vllm:inter_token_latency_seconds_bucket{engine="0",le="0.01",model_name="m"} 5.0
        vllm:inter_token_latency_seconds_bucket{engine="0",le="+Inf",model_name="m"} 10.0
        process_start_time_seconds 1.7e9
        """;

    // vLLM before the V1 renames: the same figures under their old names.
    private const string Legacy = """
        vllm:gpu_cache_usage_perc{model_name="m"} 0.93
        vllm:gpu_prefix_cache_queries_total{model_name="m"} 100.0
        vllm:gpu_prefix_cache_hits_total{model_name="m"} 25.0
        vllm:time_per_output_token_seconds_bucket{le="0.05",model_name="m"} 8.0
        vllm:time_per_output_token_seconds_bucket{le="+Inf",model_name="m"} 10.0
        """;

    [Fact]
    public void Parse_CurrentNames_SumsEnginesAndTakesFullestKv()
    {
        var scrape = VllmScrape.Parse(Current);

        Assert.Equal(5, scrape.Running);
        Assert.Equal(4, scrape.Waiting);
        Assert.Equal(0.75, scrape.KvCacheUsage);
        Assert.Equal(40, scrape.PrefixCacheHits);
        Assert.Equal(10, scrape.InterTokenLatency.Count);
        Assert.Equal(1.7e9, scrape.ProcessStartUnixSeconds);
        Assert.False(scrape.UsesLegacyNames);
    }

    [Fact]
    public void Parse_OlderNames_ReadsThemAndSaysSo()
    {
        var scrape = VllmScrape.Parse(Legacy);

        Assert.Equal(0.93, scrape.KvCacheUsage);
        Assert.Equal(100, scrape.PrefixCacheQueries);
        Assert.Equal(25, scrape.PrefixCacheHits);
        Assert.Equal(10, scrape.InterTokenLatency.Count);
        Assert.True(scrape.UsesLegacyNames);
    }

    [Fact]
    public void Quantile_OfDifference_InterpolatesLikePromQl()
    {
        var before = new CumulativeHistogram([0.1, 0.5, 1, double.PositiveInfinity], [10, 10, 10, 10]);
        var after = new CumulativeHistogram([0.1, 0.5, 1, double.PositiveInfinity], [10, 110, 210, 210]);

        var window = after.Since(before);

        Assert.Equal(200, window.Count);
        // p25: rank 50 of 200 falls halfway into (0.1, 0.5]; p95: rank 190 lies 90 % into (0.5, 1].
        Assert.Equal(0.3, window.Quantile(0.25)!.Value, 6);
        Assert.Equal(0.95, window.Quantile(0.95)!.Value, 6);
        Assert.Null(before.Since(before).Quantile(0.5));
    }

    [Fact]
    public void Since_AfterRestart_TakesEverythingSinceTheReset()
    {
        var before = new CumulativeHistogram([1, double.PositiveInfinity], [50, 50]);
        var after = new CumulativeHistogram([1, double.PositiveInfinity], [3, 4]);

        Assert.Equal(4, after.Since(before).Count);
    }
}
