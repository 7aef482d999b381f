using LlmFleet.Catalog.Models;
using LlmFleet.Catalog.Quantization;

namespace LlmFleet.Catalog.Tests.Quantization;

/// <summary>Sizes of published checkpoints, computed from config.json and the format's bits per tensor class.</summary>
public sealed class WeightFootprintTests
{
    private const double GiB = 1L << 30;

    [Theory]
    // Uniform formats, within 3%.
    // Unsloth, "Kimi K2: How to Run Locally" (docs.unsloth.ai): "The full unquantized 8bit model (Q8_0) is 1.09TB".
    [InlineData("kimi-k2", "gguf:Q8_0", false, 1.09e12, 0.03)]
    // meta-llama/Llama-3.1-70B on Hugging Face: 30 safetensors shards of BF16, 141 GB.
    [InlineData("llama-3.1-70b", "bf16", false, 141e9, 0.03)]
    // zai-org/GLM-5-FP8 on Hugging Face as quoted by the 2026 guide: "FP8 ~ 754 GB" (MTP layer included in the checkpoint).
    [InlineData("glm-5", "fp8", true, 754e9, 0.03)]
    // Unsloth's GLM-5.2 page: the BF16 checkpoint is "about 1.51TB" (thakicloud.github.io, citing Unsloth/Hugging Face).
    [InlineData("glm-5.2", "bf16", true, 1.51e12, 0.03)]
    // Dynamic GGUF mixes, within 10%.
    // Unsloth GLM-5 GGUF: "2-bit dynamic UD-IQ2_XXS ... 241GB" (GLM GGUFs keep the MTP layer).
    [InlineData("glm-5", "gguf:UD-IQ2_XXS", true, 241e9, 0.10)]
    // Unsloth GLM-5.2 GGUF: the 1-bit quant is 176GB.
    [InlineData("glm-5.2", "gguf:UD-TQ1_0", true, 176e9, 0.10)]
    // Unsloth, "Run DeepSeek-R1 Dynamic 1.58-bit" (2025-01): 131GB and 212GB, sizes as llama.cpp prints them, in GiB
    // (131 x 10^9 bytes cannot hold 654B routed-expert weights at IQ1_S's 1.5625 bits = 127.7e9 bytes plus 17B other
    // weights at 4-8 bits, as the same post describes).
    [InlineData("deepseek-r1", "gguf:UD-IQ1_S", false, 131 * GiB, 0.10)]
    [InlineData("deepseek-r1", "gguf:UD-Q2_K_XL", false, 212 * GiB, 0.10)]
    public void Compute_PublishedCheckpoint_MatchesPublishedSize(string model, string quant, bool mtp, double publishedBytes, double tolerance)
    {
        var arch = ModelCatalog.Default.Get(model).Architecture;
        var bytes = WeightFootprint.Compute(ParameterCounter.Count(arch), QuantizationCatalog.Default.Get(quant), mtp).TotalBytes;
        var error = (bytes - publishedBytes) / publishedBytes;
        Assert.True(Math.Abs(error) <= tolerance, $"{model} {quant}: {bytes / 1e9:N1} GB vs published {publishedBytes / 1e9:N1} GB ({error:P1})");
    }

    [Fact]
    public void For_PublishedPair_ScalesEveryClassToThePublishedTotal()
    {
        var model = ModelSource.Resolve("glm-5.2");
        var parameters = ParameterCounter.Count(model.Architecture);
        var format = QuantizationCatalog.Default.Get("gguf:UD-IQ2_M");
        var computed = WeightFootprint.Compute(parameters, format, includeMtp: true);
        var w = WeightFootprint.For(model, parameters, format, includeMtp: true);
        Assert.Equal(239_000_000_000, w.TotalBytes);
        Assert.Equal(WeightSizeSources.Published, w.Source);
        Assert.Equal("https://unsloth.ai/docs/models/glm-5.2", w.Published!.Source);
        // Each class keeps its share, so offload still moves the routed experts and only them.
        var factor = 239e9 / computed.TotalBytes;
        foreach (var (c, bytes) in computed.BytesByClass)
        {
            Assert.Equal(bytes * factor, w.Of(c), 1e-6 * w.TotalBytes);
        }
        Assert.Equal(computed.MtpBytes * factor, w.MtpBytes, 1.0);
    }

    [Fact]
    public void For_UnsourcedPair_IsTheEstimate()
    {
        var model = ModelSource.Resolve("glm-5.2");
        var parameters = ParameterCounter.Count(model.Architecture);
        var format = QuantizationCatalog.Default.Get("gguf:UD-IQ2_XXS");
        var w = WeightFootprint.For(model, parameters, format, includeMtp: true);
        Assert.Equal(WeightSizeSources.Estimate, w.Source);
        Assert.Null(w.Published);
        Assert.Equal(WeightFootprint.Compute(parameters, format, includeMtp: true).TotalBytes, w.TotalBytes);
    }

    [Theory]
    [InlineData(1_000_000_007)]
    [InlineData(239_000_000_000)]
    public void ScaledTo_AnyTotal_AddsUpExactly(long total)
    {
        var w = WeightFootprint.Compute(ParameterCounter.Count(ModelCatalog.Default.Get("deepseek-r1").Architecture),
            QuantizationCatalog.Default.Get("gguf:UD-Q2_K_XL"), includeMtp: false);
        Assert.Equal(total, w.ScaledTo(total).TotalBytes);
    }
}
