using LlmFleet.Catalog.Models;
using LlmFleet.Catalog.Quantization;

namespace LlmFleet.Catalog.Tests.Quantization;

public sealed class QuantizationCatalogTests
{
    [Theory]
    [InlineData("Q8_0", 8.5)]
    [InlineData("Q6_K", 6.5625)]
    [InlineData("Q5_K", 5.5)]
    [InlineData("Q4_K", 4.5)]
    [InlineData("Q4_0", 4.5)]
    [InlineData("IQ4_XS", 4.25)]
    [InlineData("Q3_K", 3.4375)]
    [InlineData("IQ3_XXS", 3.0625)]
    [InlineData("Q2_K", 2.625)]
    [InlineData("IQ2_S", 2.5625)]
    [InlineData("IQ2_XXS", 2.0625)]
    [InlineData("IQ1_M", 1.75)]
    [InlineData("TQ1_0", 1.6875)]
    [InlineData("IQ1_S", 1.5625)]
    public void GgmlTypes_BitsPerWeight_FollowLlamaCppBlockSizes(string type, double bits) =>
        Assert.Equal(bits, QuantizationCatalog.Default.GgmlTypes[type].BitsPerWeight);

    [Theory]
    [InlineData(0u, "F32")]
    [InlineData(2u, "Q4_0")]
    [InlineData(12u, "Q4_K")]
    [InlineData(30u, "BF16")]
    [InlineData(39u, "MXFP4")]
    public void GgmlTypesById_FollowTheGgmlTypeEnum(uint id, string name) =>
        Assert.Same(QuantizationCatalog.Default.GgmlTypes[name], QuantizationCatalog.Default.GgmlTypesById[id]);

    [Fact]
    public void Get_Q4KM_RaisesDownProjInHalfTheLayers()
    {
        var f = QuantizationCatalog.Default.Get("gguf:Q4_K_M");
        // 5/6 of MLP weights at Q4_K, 1/6 (half of ffn_down) at Q6_K: the ~4.85 bits llama.cpp reports for Q4_K_M.
        Assert.Equal(5.0 / 6 * 4.5 + 1.0 / 6 * 6.5625, f.BitsPerWeight(TensorClass.RoutedExperts), 3);
        Assert.Equal(6.5625, f.BitsPerWeight(TensorClass.LmHead));
        Assert.Equal(32, f.BitsPerWeight(TensorClass.Norm));
    }

    [Fact]
    public void Get_MxfpMoe_IsExpertsMxfp4RestBf16()
    {
        var f = QuantizationCatalog.Default.Get("mxfp4-moe");
        Assert.Equal(4.25, f.BitsPerWeight(TensorClass.RoutedExperts));
        Assert.Equal(16, f.BitsPerWeight(TensorClass.Attention));
    }

    [Fact]
    public void Get_Unknown_ListsKnownFormats()
    {
        var e = Assert.Throws<CatalogException>(() => QuantizationCatalog.Default.Get("gguf:Q9_K"));
        Assert.Contains("unknown quantization 'gguf:Q9_K'", e.Message);
        Assert.Contains("gguf:UD-IQ2_XXS", e.Message);
    }

    [Fact]
    public void All_EveryFormatNamesItsSourceAndEngines() =>
        Assert.All(QuantizationCatalog.Default.All, f =>
        {
            Assert.False(string.IsNullOrWhiteSpace(f.Source));
            Assert.NotEmpty(f.Engines);
            Assert.Equal(f.IsGguf, f.Engines.SequenceEqual([InferenceEngine.LlamaCpp]));
        });

    [Fact]
    public void ParseFormats_MixSharesNotSummingToOne_IsRejected()
    {
        const string json = """
            {"formats":[{"id":"x","name":"x","description":"x","engines":["llama.cpp"],"compute":"bf16","source":"x",
              "default":{"mix":[{"type":"Q4_K","share":0.5},{"type":"Q6_K","share":0.4}]}}]}
            """;
        var e = Assert.Throws<InvalidDataException>(() =>
            QuantizationCatalog.ParseFormats(json, "test.json", QuantizationCatalog.Default.GgmlTypes).ToList());
        Assert.Contains("add up to", e.Message);
    }
}
