using LlmFleet.Operations.Deploy;

namespace LlmFleet.Operations.Tests.Deploy.Systemd;

public sealed class SystemdGeneratorTests
{
    [Fact]
    public void Generate_FourReplicas_TemplateUnitAndOneEnvFilePerReplicaNamingEachGpuOnce()
    {
        var files = Deployer.Generate(Plans.Glm45AirOnTwoH100(DeployTarget.Systemd, replicas: 4));
        var unit = Plans.File(files, "vllm@.service");
        Assert.Contains("EnvironmentFile=/etc/llmfleet/vllm-%i.env", unit);
        Assert.Contains("--gpus ${DOCKER_GPUS}", unit);
        Assert.Contains("--ipc=host", unit);
        Assert.Contains("ExecStartPost=", unit);
        Assert.Matches(@"TimeoutStartSec=\d+", unit);
        Assert.Contains("vllm/vllm-openai:v", unit);

        var gpus = new List<string>();
        for (var r = 0; r < 4; r++)
        {
            var env = Plans.File(files, $"vllm-{r}.env");
            Assert.Contains($"PORT={8000 + r}", env);
            var line = env.Split('\n').Single(l => l.StartsWith("DOCKER_GPUS=", StringComparison.Ordinal));
            gpus.AddRange(line.Split("device=")[1].TrimEnd('\'', '"').Split(','));
        }
        Assert.Equal(["0", "1", "2", "3", "4", "5", "6", "7"], gpus.Order(StringComparer.Ordinal));
        Assert.Contains("llmfleet serve --config /etc/llmfleet/fleet.yaml", Plans.File(files, "llmfleet-gateway.service"));
    }

    [Fact]
    public void Generate_PlanWordsWithPercentOrDollar_AreEscapedFromSystemdExpansion()
    {
        var unit = Plans.File(Deployer.Generate(Plans.Glm45AirOnTwoH100(DeployTarget.Systemd, replicas: 1)), "vllm@.service");
        // The JSON of --speculative-config has quotes and spaces: one quoted word for systemd.
        Assert.Contains("\"{\\\"method\\\": \\\"mtp\\\"", unit);
    }
}
