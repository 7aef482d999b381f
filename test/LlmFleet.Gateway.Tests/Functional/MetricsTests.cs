using LlmFleet.Gateway.Metrics;
using LlmFleet.Vllm.Metrics;

namespace LlmFleet.Gateway.Tests.Functional;

/// <summary><c>/metrics</c> as a Prometheus server scraping the gateway sees it.</summary>
public sealed class MetricsTests
{
    [Fact]
    public async Task Metrics_AfterTraffic_CountRequestsTokensLatencyAndBackendGauges()
    {
        await using var fleet = await TestFleet.StartAsync(twins: 2);
        for (var i = 0; i < 4; i++)
        {
            using var _ = await fleet.PostChatAsync(TestFleet.ChatJson());
        }
        await fleet.StreamChatAsync(TestFleet.ChatJson(stream: true, includeUsage: true));
        using var __ = await fleet.PostChatAsync(TestFleet.ChatJson("nope"));

        var text = await fleet.MetricsAsync();
        var backend = fleet.Twins[0].BaseAddress.Authority;
        Assert.Equal(5, PrometheusText.Sum(text, "llmfleet_gateway_requests_total", ("model", TestFleet.Model), ("status", "200")));
        Assert.Equal(1, PrometheusText.Sum(text, "llmfleet_gateway_requests_total", ("status", "404")));
        Assert.True(PrometheusText.Sum(text, "llmfleet_gateway_requests_total", ("backend", backend)) >= 2);
        Assert.True(PrometheusText.Sum(text, "llmfleet_gateway_prompt_tokens_total") > 0);
        Assert.True(PrometheusText.Sum(text, "llmfleet_gateway_completion_tokens_total") > 0);
        Assert.Equal(5, PrometheusText.Sum(text, "llmfleet_gateway_upstream_latency_seconds_count"));
        Assert.Equal(1, PrometheusText.Sum(text, "llmfleet_gateway_time_to_first_token_seconds_count"));
        Assert.Equal(0, PrometheusText.Sum(text, "llmfleet_gateway_requests_in_flight"));
        Assert.NotNull(PrometheusText.Sum(text, GatewayMetrics.Reexported(VllmMetricNames.KvCacheUsagePerc), ("backend", backend)));
        Assert.NotNull(PrometheusText.Sum(text, GatewayMetrics.Reexported(VllmMetricNames.NumRequestsWaiting), ("backend", backend)));
        Assert.Equal(2, PrometheusText.Sum(text, "llmfleet_gateway_backend_available"));
    }
}
