using LlmFleet.Catalog.Models;
using LlmFleet.Catalog.Quantization;

namespace LlmFleet.Catalog.Tests.Quantization;

/// <summary>Published GGUF file sizes: what the lookup returns and what the data file must hold.</summary>
public sealed class PublishedGgufSizesTests
{
    [Fact]
    public void TryGet_Glm52UdIq2M_ReturnsUnslothsPublishedSize()
    {
        Assert.True(PublishedGgufSizes.Default.TryGet(ModelSource.Resolve("glm-5.2"), "gguf:UD-IQ2_M", out var size));
        Assert.Equal(239_000_000_000, size.Bytes);
        Assert.Equal("https://unsloth.ai/docs/models/glm-5.2", size.Source);
        Assert.Equal("unsloth/GLM-5.2-GGUF", size.Repository);
    }

    [Theory]
    // No published file for this format.
    [InlineData("glm-5.2", "gguf:Q4_K_M")]
    // Not a GGUF format.
    [InlineData("glm-5.2", "fp8")]
    // Published for DeepSeek-V3.1 only: the catalog's deepseek-v3 is the original V3 checkpoint.
    [InlineData("deepseek-v3", "gguf:UD-Q2_K_XL")]
    public void TryGet_UnsourcedPair_ReturnsFalse(string model, string quant) =>
        Assert.False(PublishedGgufSizes.Default.TryGet(ModelSource.Resolve(model), quant, out _));

    [Fact]
    public void TryGet_ConfigReadFromDisk_ReturnsFalseEvenUnderACatalogName()
    {
        var catalogued = ModelSource.Resolve("glm-5.2");
        var fromDisk = new ModelSource("glm-5.2", catalogued.Architecture, Entry: null);
        Assert.False(PublishedGgufSizes.Default.TryGet(fromDisk, "gguf:UD-IQ2_M", out _));
    }

    [Fact]
    public void Default_EveryEntry_NamesACatalogModelAGgufFormatAndItsSource()
    {
        var sizes = PublishedGgufSizes.Default.All;
        Assert.True(sizes.Count >= 15, $"{sizes.Count} entries");
        foreach (var s in sizes)
        {
            var where = $"{s.ModelId} {s.QuantizationId}";
            Assert.True(ModelCatalog.Default.TryGet(s.ModelId, out _), $"{where}: unknown model");
            Assert.True(QuantizationCatalog.Default.TryGet(s.QuantizationId, out var format) && format.IsGguf, $"{where}: unknown GGUF format");
            Assert.StartsWith("https://", s.Source, StringComparison.Ordinal);
            Assert.False(string.IsNullOrWhiteSpace(s.Quote), $"{where}: no quote");
            Assert.False(string.IsNullOrWhiteSpace(s.Date), $"{where}: no date");
            Assert.InRange(s.Bytes, 10_000_000_000, 2_000_000_000_000);
        }
        Assert.Contains("wins", PublishedGgufSizes.Default.About, StringComparison.Ordinal);
    }

    [Fact]
    public void Default_AppliedEntries_CoverTheBigMoeModels()
    {
        var applied = PublishedGgufSizes.Default.All
            .Where(s => string.Equals(ModelCatalog.Default.Get(s.ModelId).HfRepo, s.Checkpoint, StringComparison.OrdinalIgnoreCase))
            .Select(s => s.ModelId)
            .ToHashSet();
        foreach (var model in new[] { "glm-5.2", "glm-5.1", "glm-5", "deepseek-r1", "deepseek-v3", "kimi-k2", "gpt-oss-120b" })
        {
            Assert.Contains(model, applied);
        }
    }

    [Theory]
    [InlineData("fp8", 1, "only GGUF formats")]
    [InlineData("gguf:Q4_K_M", 0, "bytes must be positive")]
    public void Parse_BadEntry_Throws(string quant, long bytes, string message)
    {
        var entry = $$"""{"model": "glm-5.2", "checkpoint": "zai-org/GLM-5.2", "quant": "{{quant}}", "bytes": {{bytes}}, "repository": "r", "stated": "s", "source": "https://x", "quote": "q", "date": "d"}""";
        var e = Assert.Throws<InvalidDataException>(() => PublishedGgufSizes.Parse($$"""{"about": "a", "sizes": [{{entry}}]}"""));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SamePairTwice_Throws()
    {
        const string Entry = """{"model": "glm-5.2", "checkpoint": "zai-org/GLM-5.2", "quant": "gguf:Q4_K_M", "bytes": 1, "repository": "r", "stated": "s", "source": "https://x", "quote": "q", "date": "d"}""";
        var e = Assert.Throws<InvalidDataException>(() => PublishedGgufSizes.Parse($$"""{"about": "a", "sizes": [{{Entry}}, {{Entry}}]}"""));
        Assert.Contains("listed twice", e.Message, StringComparison.Ordinal);
    }
}
