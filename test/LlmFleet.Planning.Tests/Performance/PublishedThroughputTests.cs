using LlmFleet.Catalog.Models;

namespace LlmFleet.Planning.Tests.Performance;

/// <summary>
/// The planner's speed against published measurements (docs/planning.md lists each with its source and says which
/// ones calibrated the engine profiles and which only check them). Tolerance: ±35%.
/// </summary>
public sealed class PublishedThroughputTests
{
    private const double Tolerance = 0.35;

    private static PlanRequest Request(string model, string quant, string gpu, int gpus, long context, double? ramGb = null,
        int concurrency = 1, double? mtp = null, int? ramChannels = null) =>
        new(ModelSource.Resolve(model), quant, gpu, gpus, RamGb: ramGb, Context: context, Concurrency: concurrency,
            MtpAcceptance: mtp, RamChannels: ramChannels);

    private static void AssertWithin(double published, double planned, string what)
    {
        var error = (planned - published) / published;
        Assert.True(Math.Abs(error) <= Tolerance, $"{what}: planner {planned:N4} vs published {published:N4} ({error:P0})");
    }

    /// <summary>A serving benchmark's output throughput: N sequences each prefill <paramref name="input"/> tokens and
    /// decode <paramref name="output"/>, the prefills sharing the GPUs with the decode steps.</summary>
    private static double BenchmarkOutputTokensPerSecond(DeploymentPlan p, int input, int output, int concurrency) =>
        concurrency * (double)output / (concurrency * (double)output / p.DecodeTokensPerSecondAggregate + concurrency * (double)input / p.PrefillTokensPerSecond);

    // SGLang GLM-5 cookbook on 8xH200, quoted in gist BenHamm/dcd09f595fef141567a39582f502cef4 (2026-02-13): GLM-5-FP8,
    // TP 8, EAGLE 3 steps (acceptance 3.48), random 1K in / 1K out: TPOT 7.54 ms mean (1/TPOT = 132.6 tok/s),
    // output 118 tok/s at one stream, 1,215 tok/s at 100 concurrent, TTFT 282 ms median.
    [Fact]
    public void Plan_Glm5Fp8On8xH200WithMtp_MatchesSglangSingleStreamDecode()
    {
        var p = Planner.Plan(Request("glm-5", "fp8", "h200", 8, 1536, mtp: 3.48));
        AssertWithin(1000 / 7.54, p.DecodeTokensPerSecondSingleStream, "1/TPOT");
        AssertWithin(118, p.DecodeTokensPerSecondSingleStream, "output tok/s at one stream");
    }

    [Fact]
    public void Plan_Glm5Fp8On8xH200At100Concurrent_MatchesSglangAggregate()
    {
        var p = Planner.Plan(Request("glm-5", "fp8", "h200", 8, 1536, concurrency: 100, mtp: 3.48));
        AssertWithin(1215, BenchmarkOutputTokensPerSecond(p, 1024, 1024, 100), "output tok/s at 100 concurrent");
    }

    [Fact]
    public void Plan_Glm5Fp8On8xH200_MatchesSglangTimeToFirstToken()
    {
        var p = Planner.Plan(Request("glm-5", "fp8", "h200", 8, 1024, mtp: 3.48));
        AssertWithin(0.282, p.TtftSeconds, "TTFT of a 1K prompt");
    }

    // Same gist, 8xB200 (not used for calibration): no EAGLE TPOT 20.22 ms; EAGLE TPOT 7.69 ms; 1,370 tok/s at 100
    // concurrent; TTFT 246 ms median.
    [Fact]
    public void Plan_Glm5Fp8On8xB200WithoutMtp_MatchesMeasuredDecode()
    {
        var p = Planner.Plan(Request("glm-5", "fp8", "b200", 8, 1536));
        AssertWithin(1000 / 20.22, p.DecodeTokensPerSecondSingleStream, "B200 1/TPOT without EAGLE");
    }

    [Fact]
    public void Plan_Glm5Fp8On8xB200WithMtp_MatchesMeasuredDecode()
    {
        var p = Planner.Plan(Request("glm-5", "fp8", "b200", 8, 1536, mtp: 3.52));
        AssertWithin(1000 / 7.69, p.DecodeTokensPerSecondSingleStream, "B200 1/TPOT with EAGLE");
    }

    [Fact]
    public void Plan_Glm5Fp8On8xB200At100Concurrent_MatchesMeasuredAggregate()
    {
        var p = Planner.Plan(Request("glm-5", "fp8", "b200", 8, 1536, concurrency: 100, mtp: 3.52));
        AssertWithin(1370, BenchmarkOutputTokensPerSecond(p, 1024, 1024, 100), "B200 output tok/s at 100 concurrent");
    }

    [Fact]
    public void Plan_Glm5Fp8On8xB200_MatchesMeasuredTimeToFirstToken()
    {
        var p = Planner.Plan(Request("glm-5", "fp8", "b200", 8, 1024, mtp: 3.52));
        AssertWithin(0.246, p.TtftSeconds, "B200 TTFT of a 1K prompt");
    }

    // Unsloth, "Run DeepSeek-R1 Dynamic 1.58-bit" (unsloth.ai/blog/deepseekr1-dynamic, 2025-01): the 1.58-bit quant on
    // 2xH100 80GB with llama.cpp: "14 tokens per second" for a single user.
    [Fact]
    public void Plan_DeepSeekR1UdIq1sOn2xH100_MatchesUnslothSingleStream()
    {
        var p = Planner.Plan(Request("deepseek-r1", "gguf:UD-IQ1_S", "h100", 2, 2048));
        Assert.Equal(0, p.OffloadBytes);
        AssertWithin(14, p.DecodeTokensPerSecondSingleStream, "R1 UD-IQ1_S on 2xH100");
    }

    // DeepSeek-V3 Q4_K_M on one RTX 4090 with the routed experts in 8-channel DDR5-4800 (llama.cpp -ot exps=CPU): 8.7 tok/s.
    [Fact]
    public void Plan_DeepSeekV3Q4KmOnRtx4090WithExpertsInRam_MatchesMeasuredDecode()
    {
        var p = Planner.Plan(Request("deepseek-v3", "gguf:Q4_K_M", "rtx4090", 1, 4096, ramGb: 512));
        Assert.True(p.OffloadBytes > 300e9);
        AssertWithin(8.7, p.DecodeTokensPerSecondSingleStream, "V3 Q4_K_M on 4090 + 8ch DDR5-4800");
    }

    // The 2026 guide: "3-9 tokens/s on consumer GPUs with offload". Check only: R1 1.58-bit on one RTX 4090 with the
    // experts in a desktop's 2 channels of DDR5-4800. (Unsloth's own "1-3 tokens/s" for this setup was measured in
    // January 2025 offloading whole layers, before llama.cpp's --override-tensor; see docs/planning.md.)
    [Fact]
    public void Plan_DeepSeekR1UdIq1sOnRtx4090WithDesktopRam_IsWithinGuideRange()
    {
        var p = Planner.Plan(Request("deepseek-r1", "gguf:UD-IQ1_S", "rtx4090", 1, 4096, ramGb: 192, ramChannels: 2));
        Assert.True(p.Fits);
        Assert.InRange(p.DecodeTokensPerSecondSingleStream, 3, 9);
    }

    // The 2026 guide: "about 8.7 tokens/s for the 2-bit model on an H200" (GLM-5 UD-IQ2_XXS, 241 GB, so experts
    // partly in RAM). Check only.
    [Fact]
    public void Plan_Glm5UdIq2xxsOnOneH200WithRam_MatchesGuide()
    {
        var p = Planner.Plan(Request("glm-5", "gguf:UD-IQ2_XXS", "h200", 1, 8192, ramGb: 256));
        Assert.True(p.OffloadBytes > 0);
        AssertWithin(8.7, p.DecodeTokensPerSecondSingleStream, "GLM-5 UD-IQ2_XXS on H200 + RAM");
    }
}
