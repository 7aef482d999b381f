using LlmFleet.Operations.Deploy.Compose;
using LlmFleet.Operations.Deploy.Kubernetes;
using LlmFleet.Operations.Deploy.ProductionStack;
using LlmFleet.Operations.Deploy.Systemd;

namespace LlmFleet.Operations.Deploy;

/// <summary>Turns a plan into the files of one target, plus a README that says how to apply them.</summary>
public static class Deployer
{
    /// <exception cref="DeployException">The plan does not suit the target as asked.</exception>
    public static IReadOnlyList<DeployFile> Generate(DeployRequest request)
    {
        if (request.Replicas < 1)
        {
            throw new DeployException($"--replicas must be at least 1 (got {request.Replicas})");
        }
        var server = VllmServer.From(request.Plan);
        IDeployGenerator generator = request.Target switch
        {
            DeployTarget.Compose => new ComposeGenerator(),
            DeployTarget.Systemd => new SystemdGenerator(),
            DeployTarget.Kubernetes => new KubernetesGenerator(),
            _ => new ProductionStackGenerator(),
        };
        var files = generator.Generate(server, request);
        return [.. files, new DeployFile("README.md", DeployReadme.Write(server, request, files))];
    }
}
