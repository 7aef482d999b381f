using LlmFleet.Gateway.Configuration;

namespace LlmFleet.Cli.Tests.Deploy;

public sealed class DeployCommandTests
{
    [Fact]
    public async Task Deploy_Glm45AirComposeFourReplicas_WritesFilesTheGatewayAcceptsAndAReadme()
    {
        var outDir = Path.Combine(TestPaths.NewTempDirectory(), "fleet");
        var result = await CliRun.RunAsync("deploy", "glm-4.5-air", "--quant", "fp8", "--gpu", "h100", "--gpus", "2",
            "--target", "compose", "--replicas", "4", "--out", outDir);

        Assert.Equal(0, result.ExitCode);
        Assert.True(File.Exists(Path.Combine(outDir, "compose.yaml")));
        Assert.Contains("docker compose up", File.ReadAllText(Path.Combine(outDir, "README.md")));
        // The gateway's own loader accepts the fleet.yaml written for it.
        var fleet = FleetConfigLoader.Load(Path.Combine(outDir, "fleet.yaml"));
        Assert.Equal(4, fleet.Models.Single().Backends.Count);
        Assert.Equal("glm-4.5-air", fleet.Models.Single().Name);
    }

    [Fact]
    public async Task Deploy_Glm52KubernetesOn16H100_WritesLeaderWorkerSetOfSizeTwo()
    {
        var outDir = Path.Combine(TestPaths.NewTempDirectory(), "k8s");
        var result = await CliRun.RunAsync("deploy", "glm-5.2", "--quant", "fp8", "--gpu", "h100", "--gpus", "16",
            "--target", "kubernetes", "--out", outDir);

        Assert.Equal(0, result.ExitCode);
        var vllm = File.ReadAllText(Path.Combine(outDir, "vllm.yaml"));
        Assert.Contains("kind: LeaderWorkerSet", vllm);
        Assert.Contains("size: 2", vllm);
        Assert.Contains("kind: ScaledObject", vllm);
        // The gateway's loader accepts the discovery configuration written for it, pointing at the vLLM Service.
        var model = FleetConfigLoader.Load(Path.Combine(outDir, "fleet.yaml")).Models.Single();
        Assert.Empty(model.Backends);
        Assert.Equal("vllm-glm-5-2", model.Kubernetes!.Service);
        Assert.Equal("default", model.Kubernetes.Namespace);
        Assert.Equal(8000, model.Kubernetes.Port);
        Assert.Equal("zai-org/GLM-5.2-FP8", model.Kubernetes.ServedModel);
    }

    [Theory]
    [InlineData("buy")]
    [InlineData("rent")]
    public async Task Deploy_TokensPerDay_PricesThePoolAtWhatCostReportsForThePlan(string option)
    {
        string[] plan = ["glm-4.5-air", "--quant", "fp8", "--gpu", "h100", "--gpus", "2", "--context", "32768"];
        var outDir = Path.Combine(TestPaths.NewTempDirectory(), "priced");
        var deploy = await CliRun.RunAsync(["deploy", .. plan, "--target", "compose", "--tokens-per-day", "200000000", "--price-option", option, "--out", outDir]);
        var cost = await CliRun.RunAsync(["cost", .. plan, "--tokens-per-day", "200000000", "--json"]);

        Assert.Equal(0, deploy.ExitCode);
        Assert.Equal(0, cost.ExitCode);
        var options = System.Text.Json.JsonDocument.Parse(cost.Output).RootElement.GetProperty("options");
        var costs = options.EnumerateArray().Single(o => o.GetProperty("name").GetString() == option).GetProperty("cost_per_million_tokens_usd").GetDouble();
        var prices = FleetConfigLoader.Load(Path.Combine(outDir, "fleet.yaml")).Models.Single().Prices!;
        Assert.Equal(costs, (double)prices.InputPerMillion, 4);
        Assert.Equal(prices.InputPerMillion, prices.OutputPerMillion);
        Assert.Contains($"cost's '{option}' option", File.ReadAllText(Path.Combine(outDir, "fleet.yaml")));
    }

    [Fact]
    public async Task Deploy_TokensPerDayForAPlanWithoutGoodput_ExitCode2SayingWhyAndNoFolder()
    {
        var outDir = Path.Combine(TestPaths.NewTempDirectory(), "unpriceable");
        // At the model's full 128K context no stream count keeps a 2 s TTFT on two H100s.
        var result = await CliRun.RunAsync("deploy", "glm-4.5-air", "--quant", "fp8", "--gpu", "h100", "--gpus", "2",
            "--target", "compose", "--tokens-per-day", "200000000", "--out", outDir);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("cannot price the pool", result.Error);
        Assert.Contains("--context", result.Error);
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public async Task Deploy_WithoutTokensPerDay_LeavesThePriceToUsagePricePerMillion()
    {
        var outDir = Path.Combine(TestPaths.NewTempDirectory(), "unpriced");
        var result = await CliRun.RunAsync("deploy", "glm-4.5-air", "--quant", "fp8", "--gpu", "h100", "--gpus", "2", "--target", "compose", "--out", outDir);

        Assert.Equal(0, result.ExitCode);
        Assert.Null(FleetConfigLoader.Load(Path.Combine(outDir, "fleet.yaml")).Models.Single().Prices);
    }

    [Theory]
    [InlineData("--target", "nomad")]
    [InlineData("--replicas", "0")]
    [InlineData("--tokens-per-day", "-5")]
    [InlineData("--price-option", "lease")]
    public async Task Deploy_BadOption_ExitCode2NamingIt(string option, string value)
    {
        var outDir = Path.Combine(TestPaths.NewTempDirectory(), "x");
        string[] args = ["deploy", "glm-4.5-air", "--quant", "fp8", "--gpu", "h100", "--target", "compose", "--out", outDir];
        var i = Array.IndexOf(args, option);
        args = i >= 0 ? [.. args[..(i + 1)], value, .. args[(i + 2)..]] : [.. args, option, value];
        var result = await CliRun.RunAsync(args);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(option, result.Error);
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public async Task Deploy_TooManyReplicasForOneHost_ExitCode2AndNoFolder()
    {
        var outDir = Path.Combine(TestPaths.NewTempDirectory(), "x");
        var result = await CliRun.RunAsync("deploy", "glm-4.5-air", "--quant", "fp8", "--gpu", "h100", "--gpus", "2",
            "--target", "systemd", "--replicas", "5", "--out", outDir);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("at most 4 replicas", result.Error);
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public async Task Deploy_PlanThatDoesNotFit_ExitCode1WithThePlannersReason()
    {
        var outDir = Path.Combine(TestPaths.NewTempDirectory(), "x");
        var result = await CliRun.RunAsync("deploy", "glm-5.2", "--quant", "bf16", "--gpu", "h100", "--gpus", "2",
            "--target", "kubernetes", "--out", outDir);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("does not fit", result.Error);
        Assert.False(Directory.Exists(outDir));
    }
}
