using System.Text.Json;

namespace LlmFleet.Cli.Tests.Plan;

/// <summary><c>llmfleet plan</c> on real argument strings: verdicts, exit codes, JSON keys, commands.</summary>
public sealed class PlanCommandTests
{
    private static JsonElement Json(CliResult r) => JsonDocument.Parse(r.Output).RootElement;

    [Fact]
    public async Task Plan_Glm52Fp8On8xH200_FitsWithExitCode0AndVllmCommand()
    {
        var r = await CliRun.RunAsync("plan", "glm-5.2", "--quant", "fp8", "--gpu", "h200", "--gpus", "8");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("fits", r.Output);
        Assert.Contains("vllm serve zai-org/GLM-5.2-FP8 --tensor-parallel-size 8", r.Output);
        Assert.Contains("docker run --gpus all", r.Output);
    }

    [Fact]
    public async Task Plan_Glm52Fp8On8xH100_ExitCode1WithShortfallAndAlternative()
    {
        var r = await CliRun.RunAsync("plan", "glm-5.2", "--quant", "fp8", "--gpu", "h100", "--gpus", "8", "--json");
        Assert.Equal(1, r.ExitCode);
        var j = Json(r);
        Assert.False(j.GetProperty("fits").GetBoolean());
        Assert.True(j.GetProperty("shortfall_bytes").GetInt64() > 100_000_000_000);
        Assert.Contains(j.GetProperty("alternatives").EnumerateArray(), a => a.GetString()!.StartsWith("16 x h100", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Plan_Json_HasTheDocumentedKeys()
    {
        var r = await CliRun.RunAsync("plan", "glm-5.2", "--quant", "fp8", "--gpu", "h200", "--gpus", "8", "--context", "32768",
            "--concurrency", "16", "--mtp-acceptance", "3.5", "--json");
        Assert.Equal(0, r.ExitCode);
        var j = Json(r);
        foreach (var key in new[] { "weights_bytes", "kv_cache_bytes_per_token", "kv_cache_tokens", "max_concurrency", "fits", "gpus",
            "tensor_parallel_size", "pipeline_parallel_size", "offload_bytes", "prefill_tokens_per_second", "ttft_seconds", "engine",
            "command", "warnings", "weights_bytes_by_class" })
        {
            Assert.True(j.TryGetProperty(key, out _), $"missing {key}");
        }
        var decode = j.GetProperty("decode_tokens_per_second");
        Assert.True(decode.GetProperty("single_stream").GetDouble() > 0);
        Assert.True(decode.GetProperty("aggregate").GetDouble() > decode.GetProperty("single_stream").GetDouble());
        Assert.Equal(78 * 656 + 21 * 132 + 656 + 132, j.GetProperty("kv_cache_bytes_per_token").GetInt64());
        Assert.True(j.GetProperty("weights_bytes_by_class").GetProperty("routed_experts").GetInt64() > 700_000_000_000);
        Assert.Equal("vllm", j.GetProperty("engine").GetString());
    }

    [Fact]
    public async Task Plan_Bf16_Needs16H200()
    {
        Assert.Equal(1, (await CliRun.RunAsync("plan", "glm-5.2", "--quant", "bf16", "--gpu", "h200", "--gpus", "8")).ExitCode);
        var r = await CliRun.RunAsync("plan", "glm-5.2", "--quant", "bf16", "--gpu", "h200", "--json");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(16, Json(r).GetProperty("gpus").GetInt32());
    }

    [Fact]
    public async Task Plan_UdIq2xxsOnRtx4090With256GbRam_FitsWithOffloadAndLlamaServer()
    {
        var r = await CliRun.RunAsync("plan", "glm-5.2", "--quant", "gguf:UD-IQ2_XXS", "--gpu", "rtx4090", "--gpus", "1", "--ram-gb", "256", "--json");
        Assert.Equal(0, r.ExitCode);
        var j = Json(r);
        Assert.True(j.GetProperty("offload_bytes").GetInt64() > 150_000_000_000);
        Assert.InRange(j.GetProperty("decode_tokens_per_second").GetProperty("single_stream").GetDouble(), 1, 9.99);
        Assert.Equal("llama.cpp", j.GetProperty("engine").GetString());
        Assert.Contains("--override-tensor '.ffn_.*_exps.=CPU'", j.GetProperty("command").GetString());
    }

    [Fact]
    public async Task Plan_PublishedGgufSize_JsonAndTextSayWhereTheWeightsComeFrom()
    {
        string[] args = ["plan", "glm-5.2", "--quant", "gguf:UD-IQ2_M", "--gpu", "rtx4090", "--gpus", "1", "--ram-gb", "256"];
        var r = await CliRun.RunAsync([.. args, "--json"]);
        Assert.Equal(0, r.ExitCode);
        var j = Json(r);
        Assert.Equal(239_000_000_000, j.GetProperty("weights_bytes").GetInt64());
        Assert.Equal("published", j.GetProperty("weights_source").GetString());
        Assert.Equal("https://unsloth.ai/docs/models/glm-5.2", j.GetProperty("weights_source_url").GetString());
        var text = await CliRun.RunAsync(args);
        Assert.Contains("239 GB (published: https://unsloth.ai/docs/models/glm-5.2)", text.Output);
    }

    [Fact]
    public async Task Plan_EstimatedWeights_JsonAndTextSayEstimate()
    {
        var r = await CliRun.RunAsync("plan", "glm-5.2", "--quant", "fp8", "--gpu", "h200", "--gpus", "8", "--json");
        var j = Json(r);
        Assert.Equal("estimate", j.GetProperty("weights_source").GetString());
        Assert.Equal(JsonValueKind.Null, j.GetProperty("weights_source_url").ValueKind);
        var text = await CliRun.RunAsync("plan", "glm-5.2", "--quant", "fp8", "--gpu", "h200", "--gpus", "8");
        Assert.Contains("GB (estimate)", text.Output);
    }

    [Fact]
    public async Task Plan_WithoutGpu_JsonHasOneRecommendationPerTier()
    {
        var r = await CliRun.RunAsync("plan", "glm-5.2", "--quant", "gguf:UD-IQ2_XXS", "--json");
        Assert.Equal(0, r.ExitCode);
        var tiers = Json(r).GetProperty("recommendations").EnumerateArray().Select(t => t.GetProperty("tier").GetString()).ToList();
        Assert.Equal(["enterprise", "rental", "workstation", "apple"], tiers);
    }

    [Fact]
    public async Task Plan_WithoutQuantOrGpu_EachTierSaysWhyAndOffersAlternatives()
    {
        var text = await CliRun.RunAsync("plan", "glm-5.2");
        Assert.Equal(0, text.ExitCode);
        Assert.Contains("enterprise: 8 x ", text.Output);
        Assert.Contains(" fp8 (vllm", text.Output);
        Assert.Contains("  why: fp8: 8 bits or more", text.Output);
        Assert.Contains("  or: ", text.Output);
        Assert.Contains("workstation: 1 x rtx4090 gguf:UD-IQ2", text.Output);

        var json = await CliRun.RunAsync("plan", "glm-5.2", "--json");
        var enterprise = Json(json).GetProperty("recommendations").EnumerateArray().First();
        Assert.Equal("fp8", enterprise.GetProperty("quantization").GetString());
        Assert.False(string.IsNullOrEmpty(enterprise.GetProperty("why").GetString()));
        Assert.NotEqual(0, enterprise.GetProperty("other_options").GetArrayLength());
        Assert.Equal(JsonValueKind.Array, enterprise.GetProperty("too_slow_options").ValueKind);
    }

    [Fact]
    public async Task Plan_TooSlowToUse_Exit1AndSaysSo()
    {
        var r = await CliRun.RunAsync("plan", "glm-5.2", "--quant", "fp8", "--gpu", "rtx4090", "--ram-gb", "1024", "--json");
        Assert.Equal(1, r.ExitCode);
        var j = Json(r);
        Assert.True(j.GetProperty("fits").GetBoolean());
        Assert.True(j.GetProperty("too_slow").GetBoolean());
        Assert.Contains(j.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.StartsWith("loads, but too slow", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Plan_LocalConfig_ServesTheHubIdItNames()
    {
        // A config.json copied into a folder named "configs", as users keep them: the launch line names the model,
        // not the folder.
        var dir = Path.Combine(TestPaths.NewTempDirectory(), "configs");
        Directory.CreateDirectory(dir);
        var config = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(TestPaths.Asset("configs", "glm-5.2", "config.json"), TestContext.Current.CancellationToken))!;
        config["_name_or_path"] = "zai-org/GLM-5.2";
        await File.WriteAllTextAsync(Path.Combine(dir, "config.json"), config.ToJsonString(), TestContext.Current.CancellationToken);

        var r = await CliRun.RunAsync("plan", dir, "--quant", "bf16", "--gpu", "h200", "--gpus", "16", "--served-model-name", "glm", "--json");
        Assert.Equal(0, r.ExitCode);
        var command = Json(r).GetProperty("command").GetString()!;
        Assert.StartsWith("vllm serve zai-org/GLM-5.2 ", command);
        Assert.Contains("--served-model-name glm", command);
        Assert.DoesNotContain("configs", command);
    }

    [Fact]
    public async Task Plan_ConfigInAHubCache_ServesTheCachedRepository()
    {
        var dir = Path.Combine(TestPaths.NewTempDirectory(), "models--Qwen--Qwen3-30B-A3B", "snapshots", "0123abcd");
        Directory.CreateDirectory(dir);
        File.Copy(TestPaths.Asset("configs", "qwen3-30b-a3b", "config.json"), Path.Combine(dir, "config.json"));
        var r = await CliRun.RunAsync("plan", dir, "--quant", "bf16", "--gpu", "h100", "--json");
        Assert.Equal(0, r.ExitCode);
        Assert.StartsWith("vllm serve Qwen/Qwen3-30B-A3B ", Json(r).GetProperty("command").GetString());
    }

    [Theory]
    [InlineData("unknown quantization 'q9'", "plan", "glm-5.2", "--quant", "q9", "--gpu", "h200")]
    [InlineData("unknown GPU 'h900'", "plan", "glm-5.2", "--quant", "fp8", "--gpu", "h900")]
    [InlineData("--gpus must be at least 1", "plan", "glm-5.2", "--quant", "fp8", "--gpu", "h200", "--gpus", "0")]
    [InlineData("exceeds glm-5.2's maximum", "plan", "glm-5.2", "--quant", "fp8", "--gpu", "h200", "--context", "2000000")]
    [InlineData("fp8 runs on vllm only", "plan", "glm-5.2", "--quant", "fp8", "--gpu", "m4-max", "--ram-gb", "128")]
    [InlineData("has unified memory: pass --ram-gb", "plan", "glm-5.2", "--quant", "gguf:UD-IQ1_S", "--gpu", "m3-ultra")]
    public async Task Plan_BadInput_ExitCode2WithSpecificMessage(string expected, params string[] args)
    {
        var r = await CliRun.RunAsync(args);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(expected, r.Error);
        Assert.StartsWith("error: ", r.Error);
        Assert.DoesNotContain("   at ", r.Error);
    }
}
