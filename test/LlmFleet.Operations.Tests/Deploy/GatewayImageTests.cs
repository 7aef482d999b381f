using System.Xml.Linq;
using k8s.Models;
using LlmFleet.Operations.Deploy;
using LlmFleet.Operations.Tests.Deploy.Kubernetes;
using YamlDotNet.RepresentationModel;

namespace LlmFleet.Operations.Tests.Deploy;

/// <summary>Bundles name a gateway image of this version, and their README builds (and pushes) it before applying.</summary>
public sealed class GatewayImageTests
{
    private static string DeclaredVersion() =>
        XDocument.Load(System.IO.Path.Combine(TestPaths.RepoRoot, "Directory.Build.props")).Descendants("Version").Single().Value;

    private static string GatewayImage(IReadOnlyList<DeployFile> files) =>
        KubernetesGeneratorTests.Load(files, "gateway.yaml").OfType<V1Deployment>().Single().Spec.Template.Spec.Containers.Single().Image;

    [Fact]
    public void Kubernetes_DefaultImage_IsThisVersionAndTheReadmeBuildsTagsAndPushesItBeforeApplying()
    {
        var files = Deployer.Generate(Plans.Glm52OnTwoH100Nodes());
        var image = $"llmfleet:{DeclaredVersion()}";
        Assert.Equal(image, GatewayImage(files));

        var readme = Plans.File(files, "README.md");
        var build = readme.IndexOf($"docker build -t {image} --build-arg VERSION={DeclaredVersion()} ", StringComparison.Ordinal);
        var push = readme.IndexOf($"docker push \"$REGISTRY/{image}\"", StringComparison.Ordinal);
        var point = readme.IndexOf($"image: $REGISTRY/{image}|\" gateway.yaml", StringComparison.Ordinal);
        var apply = readme.IndexOf("kubectl apply", StringComparison.Ordinal);
        Assert.True(build >= 0 && push > build && point > push && apply > point, readme);
        // The sed line must match the manifest's line exactly.
        Assert.Contains($"image: {image}\n", Plans.File(files, "gateway.yaml"), StringComparison.Ordinal);
    }

    [Fact]
    public void Kubernetes_ImageInARegistry_IsBuiltUnderThatNameAndPushed()
    {
        const string image = "registry.example.com/team/llmfleet:0.1.0";
        var files = Deployer.Generate(Plans.Glm52OnTwoH100Nodes() with { GatewayImage = image });
        Assert.Equal(image, GatewayImage(files));
        var readme = Plans.File(files, "README.md");
        Assert.Contains($"docker build -t {image} ", readme, StringComparison.Ordinal);
        Assert.Contains($"docker push {image}\n", readme, StringComparison.Ordinal);
        Assert.DoesNotContain("$REGISTRY", readme, StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_WithRepository_GatewayServiceBuildsFromIt()
    {
        var repo = TestPaths.RepoRoot;
        var files = Deployer.Generate(Plans.Glm45AirOnTwoH100(DeployTarget.Compose, replicas: 1) with { RepositoryDirectory = repo });
        using var reader = new StringReader(Plans.File(files, "compose.yaml"));
        var yaml = new YamlStream();
        yaml.Load(reader);
        var gateway = (YamlMappingNode)((YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode)["services"])["gateway"];
        Assert.Equal($"llmfleet:{DeclaredVersion()}", ((YamlScalarNode)gateway["image"]).Value);
        Assert.Equal(repo, ((YamlScalarNode)((YamlMappingNode)gateway["build"])["context"]).Value);
        Assert.True(File.Exists(System.IO.Path.Combine(repo, "Dockerfile")));
        var readme = Plans.File(files, "README.md");
        Assert.True(readme.IndexOf("docker compose build gateway", StringComparison.Ordinal) is var b && b >= 0
            && readme.IndexOf("docker compose up -d", StringComparison.Ordinal) > b, readme);
    }
}
