using LlmFleet.Gateway.Configuration;
using LlmFleet.Gateway.Routing;

namespace LlmFleet.Gateway.Tests.Routing;

public sealed class GatewayStateOverlayTests
{
    private const string Yaml = """
        models:
          - name: glm-5.2
            backends: { kubernetes: { namespace: llm, service: vllm, served_model: zai-org/GLM-5.2-FP8 } }
        """;

    [Fact]
    public void Apply_WithOverlay_ReloadedFileNeverSwapsInAnEmptyDiscoveredPool()
    {
        var state = new GatewayState(FleetConfigLoader.Parse(Yaml), TimeProvider.System, new Random(1));
        Uri[] discovered = [new("http://10.244.1.17:8000"), new("http://10.244.2.9:8000")];
        state.SetOverlay(c => c with
        {
            Models = [.. c.Models.Select(m => m with { Backends = [.. discovered.Select(u => new BackendConfig { Url = u })] })],
        });
        var tables = new List<RoutingTable>();
        state.Reloaded += tables.Add;

        // What a reload of fleet.yaml hands over: the pool as the file has it, with no backends.
        state.Apply(FleetConfigLoader.Parse(Yaml));

        var table = Assert.Single(tables);
        Assert.Same(table, state.Current);
        Assert.Equal(discovered, table.Pools.Single().Backends.Select(b => b.Config.Url));
    }
}
