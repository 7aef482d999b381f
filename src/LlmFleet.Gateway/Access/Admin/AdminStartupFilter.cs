using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace LlmFleet.Gateway.Access.Admin;

/// <summary>Puts <c>/admin</c> in front of the gateway's own endpoints.</summary>
internal sealed class AdminStartupFilter(IServiceProvider services) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        var api = ActivatorUtilities.CreateInstance<AdminApi>(services);
        app.Map("/admin", admin => admin.Run(api.HandleAsync));
        next(app);
    };
}
