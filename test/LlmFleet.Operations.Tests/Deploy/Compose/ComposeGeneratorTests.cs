using LlmFleet.Operations.Deploy;
using YamlDotNet.RepresentationModel;

namespace LlmFleet.Operations.Tests.Deploy.Compose;

public sealed class ComposeGeneratorTests
{
    [Fact]
    public void Generate_FourReplicasOfTwoH100_FourServicesNamingEachOfTheEightGpusOnce()
    {
        var request = Plans.Glm45AirOnTwoH100(DeployTarget.Compose, replicas: 4);
        var services = Services(Deployer.Generate(request));

        var vllm = services.Children.Where(s => ((YamlScalarNode)s.Key).Value!.StartsWith("vllm-", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, vllm.Count);
        var ids = new List<string>();
        foreach (var (_, node) in vllm)
        {
            var service = (YamlMappingNode)node;
            var device = (YamlMappingNode)((YamlSequenceNode)Path(service, "deploy", "resources", "reservations", "devices")).Single();
            Assert.Equal("nvidia", ((YamlScalarNode)device["driver"]).Value);
            var deviceIds = ((YamlSequenceNode)device["device_ids"]).Select(n => ((YamlScalarNode)n).Value!).ToList();
            Assert.Equal(2, deviceIds.Count);
            ids.AddRange(deviceIds);
            Assert.Equal("host", ((YamlScalarNode)service["ipc"]).Value);
            Assert.StartsWith("vllm/vllm-openai:v", ((YamlScalarNode)service["image"]).Value);
            Assert.EndsWith("s", ((YamlScalarNode)Path(service, "healthcheck", "start_period")).Value);
            Assert.Contains("/health", string.Join(" ", ((YamlSequenceNode)Path(service, "healthcheck", "test")).Select(n => n.ToString())));
        }
        Assert.Equal(["0", "1", "2", "3", "4", "5", "6", "7"], ids.Order(StringComparer.Ordinal));
        Assert.True(services.Children.ContainsKey(new YamlScalarNode("gateway")));
        Assert.True(services.Children.ContainsKey(new YamlScalarNode("prometheus")));
    }

    [Fact]
    public void Generate_CommandWords_AreStringsAsComposeRequires()
    {
        var services = Services(Deployer.Generate(Plans.Glm45AirOnTwoH100(DeployTarget.Compose, replicas: 1)));
        var command = (YamlSequenceNode)((YamlMappingNode)services["vllm-0"])["command"];
        // "2" after --tensor-parallel-size must be quoted, or YAML reads an integer that compose rejects.
        var tp = command.Children[command.Children.IndexOf(new YamlScalarNode("--tensor-parallel-size")) + 1];
        Assert.NotEqual(YamlDotNet.Core.ScalarStyle.Plain, ((YamlScalarNode)tp).Style);
    }

    [Fact]
    public void Generate_GatewayConfigAndPrometheus_ListEveryReplica()
    {
        var files = Deployer.Generate(Plans.Glm45AirOnTwoH100(DeployTarget.Compose, replicas: 4));
        var fleet = Plans.File(files, "fleet.yaml");
        var prometheus = Plans.File(files, "prometheus.yml");
        for (var r = 0; r < 4; r++)
        {
            Assert.Contains($"url: http://vllm-{r}:8000", fleet);
            Assert.Contains($"vllm-{r}:8000", prometheus);
        }
        Assert.Contains("HF_TOKEN=", Plans.File(files, "hf.env"));
        // The key store sits on a named volume, where fleet.yaml's store points.
        Assert.Contains("store: sqlite:/var/lib/llmfleet/fleet.db", fleet);
        Assert.Contains("gateway-data:/var/lib/llmfleet", Plans.File(files, "compose.yaml"));
    }

    [Fact]
    public void Generate_MoreGpusThanOneHost_SaysHowManyReplicasFit()
    {
        var e = Assert.Throws<DeployException>(() => Deployer.Generate(Plans.Glm45AirOnTwoH100(DeployTarget.Compose, replicas: 5)));
        Assert.Contains("10 GPUs", e.Message);
        Assert.Contains("at most 4 replicas", e.Message);
    }

    [Fact]
    public void Generate_MultiNodePlan_PointsToKubernetes()
    {
        var e = Assert.Throws<DeployException>(() => Deployer.Generate(Plans.Glm52OnTwoH100Nodes(DeployTarget.Compose)));
        Assert.Contains("--target kubernetes", e.Message);
    }

    private static YamlMappingNode Services(IReadOnlyList<DeployFile> files)
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(Plans.File(files, "compose.yaml")));
        return (YamlMappingNode)((YamlMappingNode)yaml.Documents.Single().RootNode)["services"];
    }

    private static YamlNode Path(YamlMappingNode node, params string[] keys) =>
        keys.Aggregate((YamlNode)node, (n, k) => ((YamlMappingNode)n)[k]);
}
