using LlmFleet.Catalog.Hardware;
using LlmFleet.Catalog.Models;
using LlmFleet.Catalog.Quantization;
using LlmFleet.Planning.Recommendations;

namespace LlmFleet.Planning.Tests.Recommendations;

/// <summary>
/// The engine-support table of <c>Data/engine-support.json</c>: the verdicts its sources give for the planner's main
/// cases, and the bookkeeping that keeps it whole (every row sourced and dated, every GPU in a family, no gaps where the
/// quantization catalog offers a format).
/// </summary>
public sealed class EngineSupportTests
{
    private static readonly EngineSupport Table = EngineSupport.Default;

    private static SupportCheck Check(string model, string quant, string gpu, InferenceEngine engine) =>
        Table.Check(ModelCatalog.Default.Get(model).Architecture, QuantizationCatalog.Default.Get(quant), HardwareCatalog.Default.Get(gpu), engine);

    [Theory]
    [InlineData("h200")]
    [InlineData("h100")]
    [InlineData("b200")]
    public void Check_Glm52Fp8OnHopperOrB200Vllm_IsNative(string gpu)
    {
        var c = Check("glm-5.2", "fp8", gpu, InferenceEngine.Vllm);
        Assert.Equal(SupportVerdict.Native, c.Verdict);
        Assert.Contains(c.Rows, r => r.Feature == EngineSupport.Dsa);
        Assert.DoesNotContain(c.Rows, r => r.Feature == EngineSupport.Mla);
        Assert.NotEmpty(c.Sources);
    }

    [Fact]
    public void Check_Fp8OnA100Vllm_IsAFallbackThroughMarlin()
    {
        var c = Check("qwen3-235b-a22b", "fp8", "a100", InferenceEngine.Vllm);
        Assert.Equal(SupportVerdict.Fallback, c.Verdict);
        Assert.Contains("Marlin", c.Reason);
        Assert.Contains(c.Sources, s => s.Contains("fp8.md", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_DeepSeekV3Fp8OnA100Vllm_NamesBothFallbacks()
    {
        var c = Check("deepseek-v3", "fp8", "a100", InferenceEngine.Vllm);
        Assert.Equal(SupportVerdict.Fallback, c.Verdict);
        Assert.Contains("TRITON_MLA", c.Reason);
        Assert.Contains("Marlin", c.Reason);
    }

    [Fact]
    public void Check_Glm52OnA100Vllm_IsUnsupportedForItsSparseAttention()
    {
        var c = Check("glm-5.2", "fp8", "a100", InferenceEngine.Vllm);
        Assert.Equal(SupportVerdict.Unsupported, c.Verdict);
        Assert.StartsWith("unsupported on a100 (ampere) with vllm: dsa:", c.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_Nvfp4OnH100Vllm_IsMarlinWeightOnly()
    {
        var c = Check("glm-5.2", "nvfp4", "h100", InferenceEngine.Vllm);
        Assert.Equal(SupportVerdict.Fallback, c.Verdict);
        Assert.Contains("nvfp4: NVFP4 through Marlin FP4 weight-only kernels", c.Reason);
        Assert.Equal(SupportVerdict.Native, Check("glm-5.2", "nvfp4", "b200", InferenceEngine.Vllm).Verdict);
    }

    [Theory]
    [InlineData("glm-5.2")]
    [InlineData("deepseek-v3.2")]
    public void Check_DsaModelFp8OnMi300xVllm_IsNativeThroughAiter(string model)
    {
        var c = Check(model, "fp8", "mi300x", InferenceEngine.Vllm);
        Assert.Equal(SupportVerdict.Native, c.Verdict);
        Assert.Contains("ROCM_AITER_MLA_SPARSE", c.Rows.Single(r => r.Feature == EngineSupport.Dsa).Note);
    }

    [Fact]
    public void Check_Nvfp4OnMi300xVllm_IsUnsupported() =>
        Assert.Equal(SupportVerdict.Unsupported, Check("deepseek-v3", "nvfp4", "mi300x", InferenceEngine.Vllm).Verdict);

    [Theory]
    [InlineData("m3-ultra")]
    [InlineData("m4-max")]
    public void Check_GgufOnAppleLlamaCpp_IsNative(string gpu)
    {
        var c = Check("qwen3-30b-a3b", "gguf:Q4_K_M", gpu, InferenceEngine.LlamaCpp);
        Assert.Equal(SupportVerdict.Native, c.Verdict);
        Assert.Equal(["runtime", "gguf"], c.Rows.Select(r => r.Feature));
    }

    [Fact]
    public void Check_Glm52GgufOnAppleLlamaCpp_FallsBackToDenseAttention()
    {
        var c = Check("glm-5.2", "gguf:UD-IQ2_XXS", "m3-ultra", InferenceEngine.LlamaCpp);
        Assert.Equal(SupportVerdict.Fallback, c.Verdict);
        Assert.Contains("dsa:", c.Reason);
    }

    [Fact]
    public void Check_MxFp4OnRtxBlackwell_DiffersFromB200()
    {
        Assert.Equal(SupportVerdict.Native, Check("gpt-oss-120b", "mxfp4-moe", "b200", InferenceEngine.Vllm).Verdict);
        var rtx = Check("gpt-oss-120b", "mxfp4-moe", "rtx-pro-6000", InferenceEngine.Vllm);
        Assert.Equal(SupportVerdict.Fallback, rtx.Verdict);
        Assert.Contains("Marlin", rtx.Reason);
    }

    [Theory]
    [InlineData("b200")]
    [InlineData("rtx5090")]
    public void Check_Int8OnBlackwellVllm_IsUnsupported(string gpu) =>
        Assert.Equal(SupportVerdict.Unsupported, Check("llama-3.1-8b", "int8", gpu, InferenceEngine.Vllm).Verdict);

    [Fact]
    public void Check_VllmOnApple_IsUnsupportedByItsRuntimeRowAlone()
    {
        var c = Check("llama-3.1-8b", "bf16", "m3-ultra", InferenceEngine.Vllm);
        Assert.Equal(SupportVerdict.Unsupported, c.Verdict);
        Assert.Equal([EngineSupport.Runtime], c.Rows.Select(r => r.Feature));
        Assert.Contains("vllm-metal", c.Reason);
    }

    [Fact]
    public void Check_MlxOnNvidia_IsUnknown()
    {
        var c = Check("llama-3.1-8b", "bf16", "h100", InferenceEngine.Mlx);
        Assert.Equal(SupportVerdict.Unknown, c.Verdict);
        Assert.Empty(c.Sources);
    }

    [Fact]
    public void Check_Fp8OnLlamaCpp_IsUnsupportedByTheQuantizationCatalog()
    {
        var c = Check("llama-3.1-8b", "fp8", "h100", InferenceEngine.LlamaCpp);
        Assert.Equal(SupportVerdict.Unsupported, c.Verdict);
        Assert.Contains("quantization catalog serves it on vllm", c.Reason);
        Assert.Contains(QuantizationCatalog.Default.Get("fp8").Source, c.Sources);
    }

    [Fact]
    public void Rows_EachHasASourceWithTextAndADate()
    {
        Assert.NotEmpty(Table.Rows);
        Assert.All(Table.Rows, r =>
        {
            Assert.NotEmpty(r.Sources);
            Assert.All(r.Sources, s => Assert.False(string.IsNullOrWhiteSpace(s.Text)));
            Assert.False(string.IsNullOrWhiteSpace(r.Note));
            Assert.NotNull(r.Checked);
        });
    }

    [Fact]
    public void HardwareCatalog_EveryGpuHasAFamilyOfTheTable()
    {
        var families = Table.Families.Select(f => f.Id).ToHashSet();
        Assert.All(HardwareCatalog.Default.All, g => Assert.Contains(g.Family, families));
    }

    [Fact]
    public void QuantizationCatalog_EveryFormatHasAFeature() =>
        Assert.All(QuantizationCatalog.Default.All, f => Assert.NotNull(Table.FeatureOf(f)));

    /// <summary>Wherever an engine runs on a family, the table answers for both attention features and for every
    /// format the quantization catalog serves on that engine: no check the planner can make comes back unknown.</summary>
    [Fact]
    public void Rows_CoverEveryCatalogFormatAndAttentionWhereTheEngineRuns()
    {
        List<string> gaps = [];
        foreach (var engine in Enum.GetValues<InferenceEngine>())
        {
            var features = QuantizationCatalog.Default.All.Where(f => f.RunsOn(engine)).Select(f => Table.FeatureOf(f)!)
                .Append(EngineSupport.Mla).Append(EngineSupport.Dsa).Distinct();
            foreach (var family in Table.Families.Select(f => f.Id))
            {
                if (Table.Find(EngineSupport.Runtime, engine, family) is not { Verdict: SupportVerdict.Native or SupportVerdict.Fallback })
                {
                    continue;
                }
                gaps.AddRange(features.Where(f => Table.Find(f, engine, family) is null).Select(f => $"{f} / {engine.ToName()} / {family}"));
            }
        }
        Assert.Empty(gaps);
    }
}
