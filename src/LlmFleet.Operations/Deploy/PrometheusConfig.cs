namespace LlmFleet.Operations.Deploy;

/// <summary>A <c>prometheus.yml</c> that scrapes every vLLM replica and the gateway on one host.</summary>
internal static class PrometheusConfig
{
    public static string Write(IEnumerable<string> vllmTargets, string gatewayTarget)
    {
        var doc = YamlText.Map(
            ("global", YamlText.Map(("scrape_interval", "15s"), ("evaluation_interval", "15s"))),
            ("scrape_configs", new List<object>
            {
                YamlText.Map(
                    ("job_name", "vllm"),
                    ("metrics_path", "/metrics"),
                    ("static_configs", new List<object> { YamlText.Map(("targets", vllmTargets.ToList())) })),
                YamlText.Map(
                    ("job_name", "llmfleet-gateway"),
                    ("metrics_path", "/metrics"),
                    ("static_configs", new List<object> { YamlText.Map(("targets", new List<string> { gatewayTarget })) })),
            }));
        return "# Prometheus scrape configuration (llmfleet deploy): vLLM's vllm:* metrics and the gateway's.\n" + YamlText.Serialize(doc);
    }
}
