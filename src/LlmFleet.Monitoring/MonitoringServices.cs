using LlmFleet.Monitoring.Alerts;
using LlmFleet.Monitoring.Scraping;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmFleet.Monitoring;

/// <summary>
/// Registers the fleet monitor in a host: the monitor itself, the exporter loop, alert evaluation and its sinks. The
/// host adds an <see cref="IFleetSource"/> (the fleet it watches), feeds the monitor its probes and scrapes, and
/// serves what it wants of it over HTTP.
/// </summary>
public static class MonitoringServices
{
    public static void Add(IServiceCollection services, MonitoringConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        services.AddSingleton<FleetMonitor>();
        services.AddHostedService<ExporterScraper>();
        services.AddSingleton<IAlertSink, LogAlertSink>();
        if (config.WebhookUrl is { } webhook)
        {
            services.AddSingleton<IAlertSink>(sp => new WebhookAlertSink(webhook, sp.GetRequiredService<ILogger<WebhookAlertSink>>()));
        }
        services.AddSingleton<AlertEvaluator>();
        services.AddHostedService(sp => sp.GetRequiredService<AlertEvaluator>());
    }
}
