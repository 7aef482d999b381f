using LlmFleet.Gateway.Routing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace LlmFleet.Gateway.Hosting;

/// <summary>A started gateway: its address and state; disposing stops it gracefully.</summary>
public sealed class RunningGateway(WebApplication app, Uri baseAddress) : IAsyncDisposable
{
    public WebApplication App { get; } = app;

    /// <summary>Where it listens, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; } = baseAddress;

    /// <summary>The OpenAI-compatible base URL clients use (<see cref="BaseAddress"/> + <c>v1</c>).</summary>
    public Uri OpenAiEndpoint => new(BaseAddress, "v1");

    public GatewayState State => App.Services.GetRequiredService<GatewayState>();

    public async Task StopAsync(CancellationToken cancellationToken = default) => await App.StopAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
