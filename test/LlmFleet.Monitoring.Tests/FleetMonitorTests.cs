using LlmFleet.Vllm.Metrics;
using Microsoft.Extensions.Time.Testing;

namespace LlmFleet.Monitoring.Tests;

/// <summary>The fleet monitor on its own, fed by hand the way <c>top --backend</c> feeds it: no gateway anywhere.</summary>
public sealed class FleetMonitorTests
{
    private static string Metrics(double generated, double ttftFast, double ttftAll) => $$"""
        vllm:num_requests_running{engine="0",model_name="m"} 2.0
        vllm:num_requests_waiting{engine="0",model_name="m"} 1.0
        vllm:kv_cache_usage_perc{engine="0",model_name="m"} 0.25
        vllm:generation_tokens_total{engine="0",model_name="m"} {{generated}}
        vllm:time_to_first_token_seconds_bucket{engine="0",le="0.1",model_name="m"} {{ttftFast}}
        vllm:time_to_first_token_seconds_bucket{engine="0",le="+Inf",model_name="m"} {{ttftAll}}
        """;

    [Fact]
    public void Snapshot_TwoScrapesOfAStandaloneBackend_GivesGaugesAndRates()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
        var backend = new StandaloneBackend(new Uri("http://10.0.0.11:8000"));
        var layout = new FleetLayout([new MonitoredModel("glm-5.2", [], "least-load", [backend])], new MonitoringConfig { Window = TimeSpan.FromSeconds(10) });
        var monitor = new FleetMonitor(new FixedFleet(layout), time);

        backend.Healthy = true;
        monitor.OnProbed(backend, true, time.GetUtcNow());
        monitor.OnScraped(backend, VllmScrape.Parse(Metrics(100, 0, 0)), time.GetUtcNow());
        time.Advance(TimeSpan.FromSeconds(2));
        monitor.OnScraped(backend, VllmScrape.Parse(Metrics(300, 10, 10)), time.GetUtcNow());
        var view = Assert.Single(monitor.Snapshot().AllBackends());

        Assert.Equal("up", view.Status);
        Assert.Equal("10.0.0.11:8000", view.Name);
        Assert.Equal(2, view.Running);
        Assert.Equal(0.25, view.KvCacheUsageFraction);
        Assert.Equal(100, view.GenerationTokensPerSecond);
        Assert.NotNull(view.TtftP50Seconds);
        Assert.Same(backend, monitor.Find("1"));
        Assert.Same(backend, monitor.Find("10.0.0.11:8000"));
    }

    [Fact]
    public void Snapshot_BackendListedTwice_AppearsOnceWithOneId()
    {
        var a = new StandaloneBackend(new Uri("http://10.0.0.11:8000"));
        var b = new StandaloneBackend(new Uri("http://10.0.0.12:8000"));
        var layout = new FleetLayout(
            [new MonitoredModel("glm-5.2", ["glm"], "round-robin", [a, b]), new MonitoredModel("glm-air", [], "least-load", [b])],
            new MonitoringConfig());
        var snapshot = new FleetMonitor(new FixedFleet(layout), TimeProvider.System).Snapshot();

        Assert.Equal([1, 2], snapshot.AllBackends().Select(v => v.Id));
        Assert.Equal(2, snapshot.Models[1].Backends[0].Id);
        Assert.Equal("unknown", snapshot.Models[0].Backends[0].Status);
    }
}
