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

    [Fact]
    public void Plan_Glm52UdIq2mOnOneRtx4090_WeightsAreUnslothsPublishedFileAndSayWhere()
    {
        var p = Planner.Plan(new PlanRequest(Glm52, "gguf:UD-IQ2_M", "rtx4090", 1, RamGb: 256));
        Assert.Equal(239_000_000_000, p.WeightsBytes);
        Assert.Equal(p.WeightsBytes, p.WeightsBytesByClass.Values.Sum());
        Assert.Equal("published", p.WeightsSource);
        Assert.Equal("https://unsloth.ai/docs/models/glm-5.2", p.WeightsSourceUrl);
        // The offload split still follows the classes: what goes to RAM are the (scaled) routed experts.
        Assert.Equal(p.WeightsBytesByClass[TensorClass.RoutedExperts], p.OffloadBytes);
    }

    [Fact]
    public void Plan_UnsourcedPair_WeightsAreAnEstimate()
    {
        var p = Planner.Plan(new PlanRequest(Glm52, "gguf:UD-IQ2_XXS", "rtx4090", 1, RamGb: 256));
        Assert.Equal("estimate", p.WeightsSource);
        Assert.Null(p.WeightsSourceUrl);
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
        var plain = Planner.Plan(new PlanRequest(Glm52, "fp8", "h200", 8, Context: 4096, Layout: new(TensorParallel: 8)));
        var mtp = Planner.Plan(new PlanRequest(Glm52, "fp8", "h200", 8, Context: 4096, MtpAcceptance: 3.5, Layout: new(TensorParallel: 8)));
        // Faster, but by less than the acceptance length: verifying the drafts and running the draft layer cost time.
        Assert.InRange(mtp.DecodeTokensPerSecondSingleStream / plain.DecodeTokensPerSecondSingleStream, 1.2, 3.5);
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
    public void Plan_SmallModelOnEightGpus_PicksTheLayoutWithTheMostGoodput()
    {
        var model = ModelSource.Resolve("llama-3.1-70b");
        var p = Planner.Plan(new PlanRequest(model, "bf16", "h100", 8, Context: 8192));
        Assert.True(p.Fits);
        Assert.Equal(8, p.TensorParallelSize * p.DataParallelSize);
        // Every other layout that fits on the eight GPUs gives no more goodput than the one the planner chose.
        foreach (var tp in new[] { 2, 4, 8 })
        {
            var forced = Planner.Plan(new PlanRequest(model, "bf16", "h100", 8, Context: 8192, Layout: new(TensorParallel: tp)));
            Assert.True(forced.Goodput.ReplicaTokensPerSecond * forced.DataParallelSize
                <= p.Goodput.ReplicaTokensPerSecond * p.DataParallelSize * 1.0001, $"TP {tp} beats the planner's TP {p.TensorParallelSize}");
        }
        Assert.Contains($"--tensor-parallel-size {p.TensorParallelSize}", p.Command);
    }

    [Fact]
    public void Plan_GptOss120bForcedTp4OnFourA100_KvFollowsTheLayout()
    {
        var model = ModelSource.Resolve("gpt-oss-120b");
        var p = Planner.Plan(new PlanRequest(model, "mxfp4-moe", "a100", 4, Context: 16_384, GpuMemoryUtilization: 0.8,
            Layout: new(TensorParallel: 4)));
        Assert.True(p.Fits);
        Assert.Equal((4, 1, 1, false), (p.TensorParallelSize, p.PipelineParallelSize, p.DataParallelSize, p.ExpertParallel));
        // By hand: every weight is sliced four ways; the budget is 0.8 of the card less weights and runtime overhead;
        // 8 KV heads over 4 ranks = 2 heads x 64 dims x (K+V) x 2 bytes = 512 B per layer per token, in the 18
        // full-attention layers (the 18 sliding-window layers hold at most 128 tokens).
        var usable = (long)(LlmFleet.Catalog.Hardware.HardwareCatalog.Default.Get("a100").MemoryBytes!.Value * 0.8);
        Assert.InRange(p.WeightsBytesPerGpu - p.WeightsBytes / 4, -1_000, 1_000);
        Assert.Equal(usable - p.WeightsBytesPerGpu - p.RuntimeOverheadBytesPerGpu, p.KvCacheBudgetBytesPerGpu);
        Assert.Equal(512L * 18, p.KvCacheBytesPerToken);
        Assert.Equal(p.KvCacheBudgetBytesPerGpu / (512L * 18), p.KvCacheTokens);
        Assert.Contains("--tensor-parallel-size 4", p.Command);
        Assert.DoesNotContain("--enable-expert-parallel", p.Command);
        Assert.DoesNotContain("--data-parallel-size", p.Command);
    }

    [Fact]
    public void Plan_ExpertParallel_SpreadsRoutedExpertsOverTheReplicas()
    {
        var model = ModelSource.Resolve("gpt-oss-120b");
        PlanRequest Request(bool? ep) => new(model, "mxfp4-moe", "a100", 4, Context: 16_384,
            Layout: new(TensorParallel: 1, DataParallel: 4, ExpertParallel: ep));
        var replicated = Planner.Plan(Request(null));
        var spread = Planner.Plan(Request(true));
        var routed = spread.WeightsBytesByClass[TensorClass.RoutedExperts];
        Assert.InRange(replicated.WeightsBytesPerGpu - spread.WeightsBytesPerGpu - (routed - routed / 4), -1_000, 1_000);
        Assert.True(spread.KvCacheTokens > replicated.KvCacheTokens);
        Assert.Contains("--enable-expert-parallel", spread.Command);
        Assert.DoesNotContain("--enable-expert-parallel", replicated.Command);
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
