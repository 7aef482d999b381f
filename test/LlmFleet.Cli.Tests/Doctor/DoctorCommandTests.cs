using System.Text.Json;
using LlmFleet.Operations.Doctor;

namespace LlmFleet.Cli.Tests.Doctor;

/// <summary><c>llmfleet doctor</c> run for real on this machine, from real argument strings.</summary>
public sealed class DoctorCommandTests
{
    private static bool HasNvidiaDriver => RequiresTool.Find("nvidia-smi") is not null;

    [Fact]
    public async Task Doctor_Json_GivesEveryCheckWithItsStatus()
    {
        var result = await CliRun.RunAsync("doctor", "--json");
        using var json = JsonDocument.Parse(result.Output);
        var checks = json.RootElement.GetProperty("checks").EnumerateArray().ToList();
        Assert.Equal(DoctorRunner.AllChecks.Select(c => c.Id), checks.Select(c => c.GetProperty("check").GetString()));
        Assert.All(checks, c => Assert.Contains(c.GetProperty("status").GetString(), new[] { "pass", "warning", "fail", "skipped" }));
        var failed = checks.Any(c => c.GetProperty("status").GetString() == "fail");
        Assert.Equal(failed ? 1 : 0, result.ExitCode);
        Assert.Equal(!failed, json.RootElement.GetProperty("ok").GetBoolean());
    }

    [Fact]
    public async Task Doctor_WithoutGpu_SaysNoDriverAndListsSkippedChecks()
    {
        Assert.SkipWhen(HasNvidiaDriver, "this machine has an NVIDIA driver");
        var result = await CliRun.RunAsync("doctor", "llama-3.1-8b", "--quant", "bf16");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no NVIDIA driver found", result.Output);
        Assert.Matches(@"skipped \([^)]*gpus[^)]*model-fit\)", result.Output);
        Assert.DoesNotContain("Exception", result.Output + result.Error);
    }

    [Fact]
    public async Task Doctor_LlamaCppWithoutGpu_SkipsPythonChecks()
    {
        var result = await CliRun.RunAsync("doctor", "--engine", "llama.cpp", "--json");
        using var json = JsonDocument.Parse(result.Output);
        var skipped = json.RootElement.GetProperty("skipped_checks").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains("python", skipped);
        Assert.Contains("python-packages", skipped);
    }

    [Theory]
    [InlineData("--engine", "tgi")]
    [InlineData("no-such-model")]
    [InlineData("glm-5.2", "--quant", "q9")]
    public async Task Doctor_BadInput_ExitsTwoWithMessage(params string[] args)
    {
        var result = await CliRun.RunAsync(["doctor", .. args]);
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: ", result.Error);
    }
}
