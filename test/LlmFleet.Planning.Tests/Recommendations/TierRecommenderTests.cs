using LlmFleet.Catalog.Hardware;
using LlmFleet.Catalog.Models;
using LlmFleet.Planning.Recommendations;

namespace LlmFleet.Planning.Tests.Recommendations;

/// <summary>
/// What `plan &lt;model&gt;` without --gpu and --quant offers per tier: the format an expert would pick for the tier,
/// with reasons and alternatives, and never an option under the usable-speed floor as a fit.
/// </summary>
public sealed class TierRecommenderTests
{
    public static TheoryData<string> LargeMoeModels() => ["glm-5.2", "deepseek-v3", "kimi-k2"];

    private static TierRecommendation Tier(DeploymentPlan p, string tier) => p.Recommendations.Single(r => r.Tier == tier);

    [Theory]
    [MemberData(nameof(LargeMoeModels))]
    public void Plan_WithoutQuant_ServersGetFp8OnOneEightGpuServerWithReasonsAndAlternatives(string model)
    {
        var p = Planner.Plan(new PlanRequest(ModelSource.Resolve(model), null));
        foreach (var tier in new[] { "enterprise", "rental" })
        {
            var t = Tier(p, tier);
            var best = Assert.IsType<TierOption>(t.Best);
            Assert.Equal("fp8", best.Plan.Quantization);
            Assert.Equal(HardwareKind.Datacenter, best.Plan.Hardware!.Kind);
            Assert.Equal(1, best.Plan.Nodes);
            Assert.InRange(best.Plan.Gpus, 4, 8);
            Assert.Equal("vllm", best.Plan.Engine);
            Assert.Contains("fp8", t.Why);
            Assert.NotEmpty(t.Alternatives);
            Assert.All(t.Alternatives, a => Assert.NotEqual(best.Plan.Hardware.Id, a.Plan.Hardware!.Id));
        }
    }

    [Theory]
    [MemberData(nameof(LargeMoeModels))]
    public void Plan_WithoutQuant_DeskAndAppleGetGgufThatRuns(string model)
    {
        var p = Planner.Plan(new PlanRequest(ModelSource.Resolve(model), null));
        var workstation = Assert.IsType<TierOption>(Tier(p, "workstation").Best);
        Assert.StartsWith("gguf:", workstation.Plan.Quantization);
        Assert.Equal(256, workstation.RamGb);
        Assert.True(workstation.Plan.OffloadBytes > 0, "the routed experts live in system RAM");
        Assert.True(workstation.Plan.Command.Contains("--n-cpu-moe", StringComparison.Ordinal)
            || workstation.Plan.Command.Contains("--override-tensor", StringComparison.Ordinal), workstation.Plan.Command);
        var apple = Assert.IsType<TierOption>(Tier(p, "apple").Best);
        Assert.StartsWith("gguf:", apple.Plan.Quantization);
        Assert.True(apple.RamGb >= 256, $"{apple.RamGb} GB");
    }

    [Fact]
    public void Plan_Glm52WithoutQuant_WorkstationIsADynamicTwoBitMixOnA24GbGpuAnd256GbOfRam()
    {
        var p = Planner.Plan(new PlanRequest(ModelSource.Resolve("glm-5.2"), null));
        var t = Tier(p, "workstation");
        var best = Assert.IsType<TierOption>(t.Best);
        Assert.StartsWith("gguf:UD-IQ2", best.Plan.Quantization);
        Assert.True(best.Plan.Hardware!.MemoryBytes <= 26e9, best.Plan.Hardware.Id);
        Assert.Equal(256, best.RamGb);
        Assert.True(best.Plan.OffloadBytes > 200e9);
        Assert.Contains("dynamic 2-bit", t.Why);
        // Better formats do not fit one 24 GB GPU and 256 GB of RAM, and the output says so.
        Assert.Contains(t.LeftOut, n => n.Contains("8 bits or more", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(LargeMoeModels))]
    public void Plan_NoTierOffersAnOptionUnderTheUsableSpeedAsAFit(string model)
    {
        // A floor that the desk-side options straddle: some load but run under it, and those must not be offered.
        const double floor = 8;
        var p = Planner.Plan(new PlanRequest(ModelSource.Resolve(model), null, MinUsableTokensPerSecond: floor));
        foreach (var t in p.Recommendations)
        {
            var offered = (t.Best is { } b ? [b] : Array.Empty<TierOption>()).Concat(t.Alternatives);
            Assert.All(offered, o => Assert.True(o.Plan.DecodeTokensPerSecondSingleStream >= floor,
                $"{t.Tier}: {o.Plan.Quantization} on {o.Plan.Hardware!.Id} at {o.Plan.DecodeTokensPerSecondSingleStream:0.#} tok/s is offered"));
            Assert.All(t.TooSlow, o => Assert.True(o.Plan.DecodeTokensPerSecondSingleStream < floor));
        }
        Assert.Contains(p.Recommendations, t => t.TooSlow.Count > 0);
    }

    [Fact]
    public void Plan_EnterpriseLaunchLine_AdmitsTheGoodputConcurrency()
    {
        var p = Planner.Plan(new PlanRequest(ModelSource.Resolve("glm-5.2"), null, Context: 32768));
        var best = Tier(p, "enterprise").Best!.Plan;
        Assert.True(best.Goodput.MeetsTarget);
        Assert.True(best.Goodput.ConcurrencyPerReplica > 1);
        Assert.Contains($"--max-num-seqs {best.Goodput.ConcurrencyPerReplica} ", best.Command);
        Assert.Contains("--max-num-batched-tokens ", best.Command);
    }

    [Fact]
    public void Plan_OffloadAt0TokensPerSecond_LoadsButIsTooSlow()
    {
        // FP8 GLM-5.2 on one 24 GB GPU only "fits" by streaming 700+ GB over PCIe every step.
        var p = Planner.Plan(new PlanRequest(ModelSource.Resolve("glm-5.2"), "fp8", "rtx4090", 1, RamGb: 1024));
        Assert.True(p.Fits);
        Assert.True(p.TooSlow);
        Assert.Contains(p.Warnings, w => w.StartsWith("loads, but too slow", StringComparison.Ordinal));
        var tiers = Planner.Plan(new PlanRequest(ModelSource.Resolve("glm-5.2"), "fp8"));
        Assert.Null(Tier(tiers, "workstation").Best);
        Assert.Contains("too slow", Tier(tiers, "workstation").Reason);
    }

    [Fact]
    public void Plan_GpuWithoutQuant_PicksTheBestFormatForThatGpuAndSaysSo()
    {
        var p = Planner.Plan(new PlanRequest(ModelSource.Resolve("glm-5.2"), null, "h200", 8));
        Assert.True(p.Fits);
        Assert.Equal("fp8", p.Quantization);
        Assert.Contains(p.Warnings, w => w.StartsWith("--quant not given: fp8", StringComparison.Ordinal));
    }

    [Fact]
    public void Plan_DsaModel_IsNotOfferedWhereVllmHasNoSparseAttentionKernel()
    {
        // vLLM has no sparse-MLA backend below SM 9.0: GLM-5.2 on A100 or L40S is never offered, and the tier says why.
        var p = Planner.Plan(new PlanRequest(ModelSource.Resolve("glm-5.2"), null));
        foreach (var tier in new[] { "enterprise", "rental" })
        {
            var t = Tier(p, tier);
            var offered = t.Alternatives.Append(t.Best!).Concat(t.TooSlow);
            Assert.DoesNotContain(offered, o => o.Plan.Hardware!.Id is "a100" or "l40s");
            Assert.Contains(t.LeftOut, n => n.StartsWith("a100 ", StringComparison.Ordinal) && n.Contains("dsa", StringComparison.Ordinal));
        }

        var direct = Planner.Plan(new PlanRequest(ModelSource.Resolve("glm-5.2"), "fp8", "a100", 16));
        Assert.Equal(SupportVerdict.Unsupported, direct.Support!.Verdict);
        Assert.StartsWith("engine support: unsupported", direct.Warnings[0]);
    }
}
