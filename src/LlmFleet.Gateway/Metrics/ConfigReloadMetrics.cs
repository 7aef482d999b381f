using LlmFleet.Gateway.Configuration;
using Prometheus;

namespace LlmFleet.Gateway.Metrics;

/// <summary>
/// The configuration file's reloads on <c>/metrics</c>, named after Prometheus' own
/// (<c>prometheus_config_last_reload_successful</c>), so the usual alert applies: a refused push shows as
/// <c>llmfleet_gateway_config_last_reload_successful == 0</c>. Read from <see cref="ConfigReloadStatus"/> when collected.
/// </summary>
public static class ConfigReloadMetrics
{
    public static void Register(CollectorRegistry registry, ConfigReloadStatus status)
    {
        var f = Prometheus.Metrics.WithCustomRegistry(registry);
        var failures = f.CreateCounter("llmfleet_gateway_config_reload_failures_total", "Changed configuration files refused (the running configuration was kept).");
        var successful = f.CreateGauge("llmfleet_gateway_config_last_reload_successful", "1 when the configuration file on disk is the one in force, 0 after a refused change.");
        var loaded = f.CreateGauge("llmfleet_gateway_config_last_reload_success_timestamp_seconds", "Unix time the configuration in force was read.");
        registry.AddBeforeCollectCallback(() =>
        {
            var view = status.View;
            failures.IncTo(view.ReloadFailures);
            successful.Set(view.LastReloadSucceeded ? 1 : 0);
            loaded.Set(view.LoadedAt.ToUnixTimeMilliseconds() / 1000.0);
        });
    }
}
