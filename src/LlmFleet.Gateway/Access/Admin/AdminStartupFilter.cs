using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace LlmFleet.Gateway.Access.Admin;

/// <summary>Puts <c>/admin/keys</c> and <c>/admin/usage</c> in front of the gateway's own endpoints (other <c>/admin</c>
/// paths are left to them).</summary>
internal sealed class AdminStartupFilter(IServiceProvider services) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        var api = ActivatorUtilities.CreateInstance<AdminApi>(services);
        app.MapWhen(c => c.Request.Path.StartsWithSegments("/admin/keys") || c.Request.Path.StartsWithSegments("/admin/usage"),
            admin => admin.Run(api.HandleAsync));
        next(app);
    };
}
