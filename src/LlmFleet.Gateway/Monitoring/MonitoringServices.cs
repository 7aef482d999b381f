using LlmFleet.Gateway.Configuration;
using LlmFleet.Gateway.Monitoring.Alerts;
using LlmFleet.Gateway.Monitoring.Http;
using LlmFleet.Gateway.Monitoring.Scraping;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmFleet.Gateway.Monitoring;

/// <summary>Wires the fleet monitor into the gateway: observer of the backend monitor, exporter loop, alert
/// evaluation and sinks, and the HTTP surface (<c>/admin/fleet</c>, <c>/admin/alerts</c>, drain, <c>/dashboard</c>).</summary>
public static class MonitoringServices
{
    /// <summary>Call before the access layer registers its <c>/admin</c> branch, so these paths are matched first.</summary>
    public static void Add(IServiceCollection services, FleetConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        services.AddSingleton<FleetMonitor>();
        services.AddSingleton<IBackendObserver>(sp => sp.GetRequiredService<FleetMonitor>());
        services.AddHostedService<ExporterScraper>();
        services.AddSingleton<IAlertSink, LogAlertSink>();
        if (config.Monitoring.WebhookUrl is { } webhook)
        {
            services.AddSingleton<IAlertSink>(sp => new WebhookAlertSink(webhook, sp.GetRequiredService<ILogger<WebhookAlertSink>>()));
        }
        services.AddSingleton<AlertEvaluator>();
        services.AddHostedService(sp => sp.GetRequiredService<AlertEvaluator>());
        services.AddSingleton<IStartupFilter>(sp => new MonitoringStartupFilter(sp));
    }
}
