using LlmFleet.Catalog.Models;

namespace LlmFleet.Planning.Tests;

/// <summary>The fit verdicts the planner must reproduce and the errors a user gets for bad input.</summary>
public sealed class PlannerTests
{
    private static readonly ModelSource Glm52 = ModelSource.Resolve("glm-5.2");

    [Fact]
    public void Plan_Glm52Fp8On8xH200_Fits()
    {
        var p = Planner.Plan(new PlanRequest(Glm52, "fp8", "h200", 8));
        Assert.True(p.Fits);
        Assert.Equal(8, p.TensorParallelSize);
        Assert.Equal(1, p.PipelineParallelSize);
        Assert.Equal("vllm", p.Engine);
        Assert.Contains("--tensor-parallel-size 8", p.Command);
        Assert.Contains("--tool-call-parser glm47 --reasoning-parser glm45 --enable-auto-tool-choice", p.Command);
        Assert.Contains("\"method\": \"mtp\"", p.Command);
        Assert.True(p.KvCacheTokens > p.ContextTokens);
    }

    [Fact]
    public void Plan_Glm52Fp8On8xH100_DoesNotFitAndNames16()
    {
        var p = Planner.Plan(new PlanRequest(Glm52, "fp8", "h100", 8));
        Assert.False(p.Fits);
        Assert.True(p.ShortfallBytes > 100e9, $"shortfall {p.ShortfallBytes / 1e9:N0} GB");
        Assert.Contains(p.Alternatives, a => a.StartsWith("16 x h100", StringComparison.Ordinal));
        Assert.Contains(p.Warnings, w => w.StartsWith("does not fit", StringComparison.Ordinal) && w.Contains("GB short"));
    }

    [Fact]
    public void Plan_Glm52Fp8On16xH100_FitsOnTwoNodes()
    {
        var p = Planner.Plan(new PlanRequest(Glm52, "fp8", "h100", 16));
        Assert.True(p.Fits);
        Assert.Equal(2, p.Nodes);
        Assert.Equal(8, p.TensorParallelSize);
        Assert.Equal(2, p.PipelineParallelSize);
        Assert.Contains("--pipeline-parallel-size 2", p.Command);
    }

    [Fact]
    public void Plan_Glm52Bf16OnH200_Needs16()
    {
        Assert.False(Planner.Plan(new PlanRequest(Glm52, "bf16", "h200", 8)).Fits);
        Assert.True(Planner.Plan(new PlanRequest(Glm52, "bf16", "h200", 16)).Fits);
        var smallest = Planner.Plan(new PlanRequest(Glm52, "bf16", "h200"));
        Assert.True(smallest.Fits);
        Assert.Equal(16, smallest.Gpus);
    }

    [Fact]
    public void Plan_Glm52UdIq2xxsOnOneRtx4090With256GbRam_FitsWithOffloadAtSingleDigitSpeed()
    {
        var p = Planner.Plan(new PlanRequest(Glm52, "gguf:UD-IQ2_XXS", "rtx4090", 1, RamGb: 256));
        Assert.True(p.Fits, string.Join("; ", p.Warnings));
        Assert.Equal("llama.cpp", p.Engine);
        Assert.True(p.OffloadBytes > 150e9, $"offload {p.OffloadBytes / 1e9:N0} GB");
        Assert.InRange(p.DecodeTokensPerSecondSingleStream, 1, 9.99);
        Assert.StartsWith("llama-server -hf unsloth/GLM-5.2-GGUF:UD-IQ2_XXS", p.Command);
        Assert.Contains("-ot", p.Command.Replace("--override-tensor", "-ot", StringComparison.Ordinal));
    }

    [Fact]
    public void Plan_Glm52UdIq2xxsOn256GbMac_FitsInUnifiedMemory()
    {
        var p = Planner.Plan(new PlanRequest(Glm52, "gguf:UD-IQ2_XXS", "m3-ultra", RamGb: 256));
        Assert.True(p.Fits);
        Assert.Equal(0, p.OffloadBytes);
        Assert.Contains(p.Warnings, w => w.Contains("iogpu.wired_limit_mb"));
    }

    [Theory]
    [InlineData("gguf:NOPE", "h200", 8, null, "unknown quantization 'gguf:NOPE'")]
    [InlineData("fp8", "tpu-v9", 8, null, "unknown GPU 'tpu-v9'")]
    [InlineData("fp8", "h200", 0, null, "--gpus must be at least 1")]
    [InlineData("fp8", "h200", 8, 2_000_000L, "exceeds glm-5.2's maximum of 1,048,576 tokens")]
    [InlineData("fp8", "m3-ultra", null, null, "fp8 runs on vllm only")]
    public void Plan_BadInput_ThrowsWithSpecificMessage(string quant, string gpu, int? gpus, long? context, string expected)
    {
        var e = Assert.Throws<PlanningException>(() =>
            Planner.Plan(new PlanRequest(Glm52, quant, gpu, gpus, RamGb: gpu == "m3-ultra" ? 512 : null, Context: context)));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Plan_MtpAcceptanceOnModelWithoutMtp_IsRejected()
    {
        var e = Assert.Throws<PlanningException>(() =>
            Planner.Plan(new PlanRequest(ModelSource.Resolve("llama-3.1-70b"), "bf16", "h100", 4, MtpAcceptance: 2)));
        Assert.Contains("has no MTP layers", e.Message);
    }

    [Fact]
    public void Plan_MtpAcceptance_MultipliesDecodeButNotTheStepModel()
    {
        var plain = Planner.Plan(new PlanRequest(Glm52, "fp8", "h200", 8, Context: 4096));
        var mtp = Planner.Plan(new PlanRequest(Glm52, "fp8", "h200", 8, Context: 4096, MtpAcceptance: 3.5));
        Assert.InRange(mtp.DecodeTokensPerSecondSingleStream / plain.DecodeTokensPerSecondSingleStream, 2, 3.5);
        Assert.Contains("\"num_speculative_tokens\": 3", mtp.Command);
        Assert.Equal(plain.StepTime.StepTime(0, 1, 4096), mtp.StepTime.StepTime(0, 1, 4096));
    }

    [Fact]
    public void Plan_WithoutGpu_RecommendsOnePlanPerTier()
    {
        var p = Planner.Plan(new PlanRequest(Glm52, "gguf:UD-IQ2_XXS"));
        Assert.Equal(["enterprise", "rental", "workstation", "apple"], p.Recommendations.Select(r => r.Tier));
        Assert.All(p.Recommendations, r => Assert.True(r.Plan is { Fits: true }, $"{r.Tier}: {r.Reason}"));
        var apple = p.Recommendations.Single(r => r.Tier == "apple").Plan!;
        Assert.Equal("m3-ultra", apple.Hardware!.Id);
        var workstation = p.Recommendations.Single(r => r.Tier == "workstation").Plan!;
        Assert.True(workstation.OffloadBytes > 0);
    }

    [Fact]
    public void Plan_Fp8WithoutGpu_SaysWhyAppleCannot()
    {
        var p = Planner.Plan(new PlanRequest(Glm52, "fp8", Context: 32768));
        var enterprise = p.Recommendations.Single(r => r.Tier == "enterprise");
        Assert.True(enterprise.Plan is { Fits: true });
        Assert.Equal(8, enterprise.Plan!.Gpus);
        var apple = p.Recommendations.Single(r => r.Tier == "apple");
        Assert.Null(apple.Plan);
        Assert.Contains("Apple", apple.Reason);
    }

    [Fact]
    public void Plan_SmallModelOnEightGpus_UsesSmallestTensorParallelAndDataParallelRest()
    {
        var p = Planner.Plan(new PlanRequest(ModelSource.Resolve("llama-3.1-70b"), "bf16", "h100", 8, Context: 8192));
        Assert.True(p.Fits);
        // 141 GB of BF16 weights: two H100s hold them with an 8K context left over; the other six GPUs are replicas.
        Assert.Equal(2, p.TensorParallelSize);
        Assert.Equal(4, p.DataParallelSize);
        Assert.Contains("--data-parallel-size 4", p.Command);
    }

    [Fact]
    public void Plan_DataParallelReplicasAtOneStream_AggregateIsTheSingleStream()
    {
        var p = Planner.Plan(new PlanRequest(ModelSource.Resolve("qwen3-235b-a22b"), "fp8", "h100", 16));
        Assert.True(p.DataParallelSize > 1);
        Assert.Equal(1, p.AggregateConcurrency);
        Assert.Equal(p.DecodeTokensPerSecondSingleStream, p.DecodeTokensPerSecondAggregate, 6);
    }

    [Fact]
    public void Plan_TwoDeskSideGpus_AreOneServerNotTwoNodes()
    {
        var p = Planner.Plan(new PlanRequest(ModelSource.Resolve("llama-3.1-70b"), "awq", "rtx5090", 2, Context: 8192));
        Assert.Equal(1, p.Nodes);
        Assert.Equal(2, p.TensorParallelSize);
        Assert.DoesNotContain("ray", p.Command);
    }

    [Fact]
    public void Plan_VllmFormatTooLargeWithRam_FitsWithCpuOffloadAndSaysItIsSlow()
    {
        var p = Planner.Plan(new PlanRequest(Glm52, "fp8", "h100", 8, RamGb: 1024, Context: 8192));
        Assert.True(p.Fits);
        Assert.True(p.OffloadBytes > 100e9);
        Assert.Contains("--cpu-offload-gb", p.Command);
        Assert.Contains(p.Warnings, w => w.Contains("does not run efficiently"));
        var inGpuMemory = Planner.Plan(new PlanRequest(Glm52, "fp8", "h200", 8, Context: 8192));
        Assert.True(p.DecodeTokensPerSecondSingleStream < inGpuMemory.DecodeTokensPerSecondSingleStream / 5);
    }

    [Fact]
    public void Plan_ConfigJsonPath_PlansLikeTheCatalogEntry()
    {
        var fromFile = Planner.Plan(new PlanRequest(ModelSource.Resolve(TestPaths.Asset("configs", "glm-5.2", "config.json")), "fp8", "h200", 8));
        var fromCatalog = Planner.Plan(new PlanRequest(Glm52, "fp8", "h200", 8));
        Assert.Equal(fromCatalog.WeightsBytes, fromFile.WeightsBytes);
        Assert.Equal(fromCatalog.KvCacheTokens, fromFile.KvCacheTokens);
    }
}
