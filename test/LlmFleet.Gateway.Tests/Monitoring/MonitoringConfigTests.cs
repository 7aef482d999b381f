using LlmFleet.Gateway.Configuration;

namespace LlmFleet.Gateway.Tests.Monitoring;

public sealed class MonitoringConfigTests
{
    private const string Models = """
        models:
          - name: glm-5.2
            backends:
              - url: http://10.0.0.11:8000
        """;

    [Fact]
    public void Parse_MonitoringSection_ReadsExportersWebhookAndOverrides()
    {
        var config = FleetConfigLoader.Parse(Models + """

            monitoring:
              window: 30s
              webhook: http://alerts.internal:9000/hook
              exporters:
                - backend: http://10.0.0.11:8000
                  dcgm: http://10.0.0.11:9400/metrics
                  node: http://10.0.0.11:9100/metrics
              alerts:
                ttft_p95_high: { threshold: 2, for: 5m }
                preemptions: { enabled: false }
            """);

        var m = config.Monitoring;
        Assert.Equal(TimeSpan.FromSeconds(30), m.Window);
        Assert.Equal("http://alerts.internal:9000/hook", m.WebhookUrl!.ToString());
        Assert.Equal("http://10.0.0.11:9400/metrics", Assert.Single(m.Exporters).Dcgm!.ToString());
        Assert.Equal(2, m.Alerts["ttft_p95_high"].Threshold);
        Assert.Equal(TimeSpan.FromMinutes(5), m.Alerts["ttft_p95_high"].For);
        Assert.False(m.Alerts["preemptions"].Enabled);
        Assert.Equal(0, m.Alerts["preemptions"].Threshold);
    }

    [Fact]
    public void Parse_BadMonitoringEntries_NamesEachPlace()
    {
        var e = Assert.Throws<FleetConfigException>(() => FleetConfigLoader.Parse(Models + """

            monitoring:
              window: soon
              exporters:
                - backend: http://10.0.0.99:8000
              alerts:
                gpu_on_fire: { threshold: 1 }
            """));

        Assert.Contains("monitoring.window", e.Message);
        Assert.Contains("monitoring.exporters[0].backend: 'http://10.0.0.99:8000' is not a backend of any model", e.Message);
        Assert.Contains("monitoring.alerts.gpu_on_fire: unknown rule", e.Message);
    }
}
