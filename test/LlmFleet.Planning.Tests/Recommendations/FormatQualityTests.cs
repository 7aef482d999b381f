using LlmFleet.Catalog.Models;
using LlmFleet.Catalog.Quantization;
using LlmFleet.Planning.Recommendations;

namespace LlmFleet.Planning.Tests.Recommendations;

public sealed class FormatQualityTests
{
    private static int Class(string model, string format) =>
        FormatQuality.Class(QuantizationCatalog.Default.Get(format), ModelSource.Resolve(model).Architecture);

    [Theory]
    [InlineData("bf16", 0)]
    [InlineData("fp8", 0)]
    [InlineData("gguf:Q8_0", 0)]
    [InlineData("gguf:Q6_K", 1)]
    [InlineData("gguf:Q4_K_M", 2)]
    [InlineData("awq", 2)]
    [InlineData("gguf:UD-Q2_K_XL", 3)]
    [InlineData("gguf:UD-IQ2_XXS", 3)]
    [InlineData("gguf:IQ2_XXS", 4)]
    [InlineData("gguf:UD-IQ1_S", 5)]
    public void Class_FollowsTheBitsOfTheRoutedExperts(string format, int expected) =>
        Assert.Equal(expected, Class("glm-5.2", format));

    [Fact]
    public void Class_NoBetterThanTheAuthorsCheckpoint()
    {
        // gpt-oss ships MXFP4 experts: BF16 is those weights upcast, so it ranks with MXFP4, not above it.
        Assert.Equal(Class("gpt-oss-120b", "mxfp4-moe"), Class("gpt-oss-120b", "bf16"));
        Assert.Equal("mxfp4", ModelSource.Resolve("gpt-oss-120b").Architecture.CheckpointQuantization);
        Assert.Equal("fp8", ModelSource.Resolve("deepseek-v3").Architecture.CheckpointQuantization);
        Assert.Null(ModelSource.Resolve("glm-5.2").Architecture.CheckpointQuantization);
    }
}
