using LlmFleet.Operations.Deploy;
using YamlDotNet.RepresentationModel;

namespace LlmFleet.Operations.Tests.Deploy.ProductionStack;

public sealed class ProductionStackGeneratorTests
{
    [Fact]
    public void Generate_SingleNodePlan_ModelSpecWithThePlansImageGpusAndFlags()
    {
        var request = Plans.Glm45AirOnTwoH100(DeployTarget.ProductionStack, replicas: 3);
        var yaml = new YamlStream();
        yaml.Load(new StringReader(Plans.File(Deployer.Generate(request), "values.yaml")));
        var root = (YamlMappingNode)yaml.Documents.Single().RootNode;
        var spec = (YamlMappingNode)((YamlSequenceNode)((YamlMappingNode)root["servingEngineSpec"])["modelSpec"]).Single();

        Assert.Equal("vllm/vllm-openai", spec["repository"].ToString());
        Assert.Equal("3", spec["replicaCount"].ToString());
        Assert.Equal("2", spec["requestGPU"].ToString());
        Assert.Equal("zai-org/GLM-4.5-Air-FP8", spec["modelURL"].ToString());
        var vllmConfig = (YamlMappingNode)spec["vllmConfig"];
        Assert.Equal("2", vllmConfig["tensorParallelSize"].ToString());
        Assert.Contains(((YamlSequenceNode)vllmConfig["extraArgs"]).Children, n => n.ToString() == "--max-model-len");
        Assert.Equal("hf-token", ((YamlMappingNode)spec["hf_token"])["secretName"].ToString());
    }

    [Fact]
    public void Generate_MultiNodePlan_PointsToKubernetes()
    {
        var e = Assert.Throws<DeployException>(() => Deployer.Generate(Plans.Glm52OnTwoH100Nodes(DeployTarget.ProductionStack)));
        Assert.Contains("--target kubernetes", e.Message);
    }
}
