using LlmFleet.Monitoring.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace LlmFleet.Gateway.Fleet;

/// <summary>
/// Puts the monitoring endpoints in front of everything else: they live under <c>/admin</c>, which the access
/// layer's admin API (keys, usage) otherwise takes whole, and must answer even when API keys are required.
/// </summary>
internal sealed class MonitoringStartupFilter(IServiceProvider services) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        var api = ActivatorUtilities.CreateInstance<MonitoringApi>(services);
        app.Map("/admin/fleet", b => b.Run(api.FleetAsync));
        app.Map("/admin/alerts", b => b.Run(api.AlertsAsync));
        app.Map("/admin/backends", b => b.Run(api.BackendsAsync));
        app.Map("/dashboard", b => b.Run(DashboardAssets.ServeAsync));
        next(app);
    };
}
