using LlmFleet.Gateway.Configuration;
using LlmFleet.Testing.Chaos;

namespace LlmFleet.Gateway.Tests.Chaos;

/// <summary>A fleet whose gateway reaches each twin through its own <see cref="FaultProxy"/> (same order as the twins).</summary>
internal sealed class ProxiedFleet : IAsyncDisposable
{
    private ProxiedFleet(RunningFleet fleet, List<FaultProxy> proxies)
    {
        Fleet = fleet;
        Proxies = proxies;
    }

    public RunningFleet Fleet { get; }

    public List<FaultProxy> Proxies { get; }

    /// <summary>Starts <paramref name="builder"/>'s fleet with a proxy put in front of every backend;
    /// <paramref name="model"/> changes the model configuration as <see cref="FleetBuilder.ChangeModel"/> does.</summary>
    public static async Task<ProxiedFleet> StartAsync(FleetBuilder builder, Func<ModelConfig, ModelConfig>? model = null)
    {
        var proxies = new List<FaultProxy>();
        try
        {
            var fleet = await builder.ChangeModel(m =>
            {
                m = model?.Invoke(m) ?? m;
                return m with
                {
                    Backends = m.Backends.Select(b =>
                    {
                        var proxy = FaultProxy.Start(b.Url);
                        proxies.Add(proxy);
                        return b with { Url = proxy.BaseAddress };
                    }).ToArray(),
                };
            }).StartAsync();
            return new ProxiedFleet(fleet, proxies);
        }
        catch
        {
            foreach (var p in proxies)
            {
                await p.DisposeAsync();
            }
            throw;
        }
    }

    /// <summary>Requests the gateway answered through the backend behind <paramref name="proxy"/> (any status).</summary>
    public async Task<double> RequestsThroughAsync(FaultProxy proxy) =>
        LlmFleet.Vllm.Metrics.PrometheusText.Sum(await Fleet.Client.GetStringAsync("metrics", TestContext.Current.CancellationToken),
            "llmfleet_gateway_requests_total", ("backend", proxy.BaseAddress.Authority)) ?? 0;

    public async ValueTask DisposeAsync()
    {
        await Fleet.DisposeAsync();
        foreach (var p in Proxies)
        {
            await p.DisposeAsync();
        }
    }
}
