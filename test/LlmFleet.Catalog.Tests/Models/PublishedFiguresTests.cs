using LlmFleet.Catalog.Models;

namespace LlmFleet.Catalog.Tests.Models;

/// <summary>Every built-in model, counted from the real config.json kept in testassets/, against the authors' figures.</summary>
public sealed class PublishedFiguresTests
{
    public static TheoryData<string> CatalogIds => [.. ModelCatalog.Default.All.Select(e => e.Id)];

    [Fact]
    public void Catalog_HoldsEveryModelTheProductPromises()
    {
        string[] required =
        [
            "glm-5.2", "glm-5.1", "glm-5", "glm-4.7", "glm-4.5", "glm-4.5-air", "deepseek-v3", "deepseek-r1",
            "deepseek-v3.2", "kimi-k2", "qwen3-235b-a22b", "qwen3-30b-a3b", "qwen3-32b", "gpt-oss-120b", "gpt-oss-20b",
            "llama-3.1-8b", "llama-3.1-70b", "llama-3.1-405b", "mixtral-8x7b",
        ];
        Assert.All(required, id => Assert.True(ModelCatalog.Default.TryGet(id, out _), $"{id} is missing"));
    }

    [Theory]
    [MemberData(nameof(CatalogIds))]
    public void Count_RealConfig_MatchesPublishedTotalWithin1PercentAndActiveWithin5(string id)
    {
        var entry = ModelCatalog.Default.Get(id);
        var published = entry.Published ?? throw new InvalidOperationException($"{id} has no published figures");
        var fromFile = ModelSource.Resolve(Path.Combine(TestPaths.Asset("configs", id), "config.json"));
        var counted = ParameterCounter.Count(fromFile.Architecture);

        var totalTolerance = Math.Max(0.01 * published.TotalParams, published.TotalRoundingParams);
        Assert.InRange(Math.Abs(counted.Total - published.TotalParams), 0, totalTolerance);
        Assert.InRange(RelativeError(counted.ActiveExcluding(published.ActiveExcludes), published.ActiveParams), 0, 0.05);
    }

    [Theory]
    [MemberData(nameof(CatalogIds))]
    public void Catalog_EmbeddedConfig_IsTheSameModelAsTheTestAsset(string id)
    {
        var embedded = ParameterCounter.Count(ModelCatalog.Default.Get(id).Architecture);
        var fromFile = ParameterCounter.Count(ModelSource.Resolve(TestPaths.Asset("configs", id)).Architecture);
        Assert.Equal(fromFile.Total, embedded.Total);
        Assert.Equal(fromFile.Active, embedded.Active);
    }

    [Fact]
    public void Count_Glm52_ActiveUnderEveryConventionIsWithin5PercentOf40B()
    {
        var p = ParameterCounter.Count(ModelCatalog.Default.Get("glm-5.2").Architecture);
        Assert.InRange(RelativeError(p.Active, 40_000_000_000), 0, 0.05);
        Assert.InRange(RelativeError(p.ActiveExcluding([TensorClass.Embedding, TensorClass.LmHead]), 40_000_000_000), 0, 0.05);
    }

    [Fact]
    public void Count_Qwen3_30B_A3B_MatchesEveryFigureOfTheModelCard()
    {
        // "30.5B in total and 3.3B activated; Number of Paramaters (Non-Embedding): 29.9B". Qwen's activated figure
        // counts the embedding table, its non-embedding figure leaves out both the embedding and the head.
        var p = ParameterCounter.Count(ModelCatalog.Default.Get("qwen3-30b-a3b").Architecture);
        Assert.Equal(30_532_122_624, p.Total);
        Assert.InRange(RelativeError(p.Total - p.Embedding - p.Of(TensorClass.LmHead), 29_900_000_000), 0, 0.01);
        Assert.InRange(RelativeError(p.ActiveExcluding([]), 3_300_000_000), 0, 0.05);
        Assert.Equal(151936L * 2048, p.Embedding);
        Assert.Equal(p.ActiveExcluding([]) - p.Embedding, p.Active);
    }

    [Fact]
    public void Count_Glm52_HasMlaDsaWith21IndexersAndOneMtpLayerOfAbout10B()
    {
        var a = ModelCatalog.Default.Get("glm-5.2").Architecture;
        Assert.Equal(AttentionKind.MlaDsa, a.Attention.Kind);
        Assert.Equal(21, a.Attention.Indexer!.Layers);
        Assert.Equal(1_048_576, a.MaxContext);
        var p = ParameterCounter.Count(a);
        Assert.InRange(p.Mtp, 9_000_000_000, 11_000_000_000);
    }

    [Theory]
    [InlineData("deepseek-v3", "mla")]
    [InlineData("deepseek-v3.2", "mla+dsa")]
    [InlineData("llama-3.1-70b", "gqa")]
    [InlineData("glm-4.5", "gqa")]
    public void Parse_AttentionKind_IsReported(string id, string kind) =>
        Assert.Equal(kind, ModelCatalog.Default.Get(id).Architecture.Attention.KindName);

    private static double RelativeError(long counted, long published) => Math.Abs(counted - published) / (double)published;
}
