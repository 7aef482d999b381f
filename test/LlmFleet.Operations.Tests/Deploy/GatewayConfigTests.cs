using LlmFleet.Gateway.Configuration;
using LlmFleet.Gateway.Routing;
using LlmFleet.Operations.Deploy;

namespace LlmFleet.Operations.Tests.Deploy;

/// <summary>What <c>llmfleet deploy</c> writes as <c>fleet.yaml</c>, read back by the gateway's own loader.</summary>
public sealed class GatewayConfigTests
{
    [Fact]
    public void Generate_ComposeFleetYaml_LoaderReadsBackTheSameConfig()
    {
        var request = Plans.Glm45AirOnTwoH100(DeployTarget.Compose, replicas: 2);
        var server = VllmServer.From(request.Plan);

        var config = FleetConfigLoader.Parse(Plans.File(Deployer.Generate(request), "fleet.yaml"));

        var model = AssertWritten(config, server);
        Assert.Null(model.Kubernetes);
        Assert.Equal(
            [
                new BackendConfig { Url = new Uri("http://vllm-0:8000"), ServedModel = server.Model },
                new BackendConfig { Url = new Uri("http://vllm-1:8000"), ServedModel = server.Model },
            ],
            model.Backends);
    }

    [Fact]
    public void Generate_KubernetesFleetYaml_LoaderReadsBackTheSameConfig()
    {
        var request = Plans.Glm52OnTwoH100Nodes();
        var server = VllmServer.From(request.Plan);

        var config = FleetConfigLoader.Parse(Plans.File(Deployer.Generate(request), "fleet.yaml"));

        var model = AssertWritten(config, server);
        Assert.Empty(model.Backends);
        Assert.Equal(
            new KubernetesBackendsConfig { Namespace = request.Namespace, Service = $"vllm-{server.Slug}", Port = VllmServer.Port, ServedModel = server.Model },
            model.Kubernetes);
    }

    /// <summary>The entries every target writes alike; returns the one model for the target's backends.</summary>
    private static ModelConfig AssertWritten(FleetConfig config, VllmServer server)
    {
        Assert.Equal($"http://0.0.0.0:{GatewayConfig.Port}", config.Listen);
        Assert.Equal($"sqlite:{GatewayConfig.StateDirectory}/fleet.db", config.Store);
        Assert.Equal(new AccessConfig { Auth = AuthModes.Keys, AuthExplicit = true }, config.Access);
        var model = Assert.Single(config.Models);
        Assert.Equal(server.ModelId, model.Name);
        Assert.Empty(model.Aliases);
        Assert.Equal(BackendSelectionPolicies.LeastLoad, model.Policy);
        Assert.Equal(new HealthConfig { Path = "/health", Interval = TimeSpan.FromSeconds(5) }, model.Health);
        Assert.Equal(2, model.Retries);
        Assert.Equal(
            new TimeoutsConfig { Connect = TimeSpan.FromSeconds(2), FirstToken = TimeSpan.FromSeconds(300), Idle = TimeSpan.FromSeconds(60) },
            model.Timeouts);
        return model;
    }
}
