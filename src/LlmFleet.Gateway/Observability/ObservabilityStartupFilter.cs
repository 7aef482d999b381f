using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace LlmFleet.Gateway.Observability;

/// <summary>Puts <see cref="RequestIdMiddleware"/> in front of everything (registered before the monitoring and
/// admin branches, so their answers carry the id too).</summary>
internal sealed class ObservabilityStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.UseMiddleware<RequestIdMiddleware>();
        next(app);
    };
}
