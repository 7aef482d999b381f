using LlmFleet.Catalog.Models;
using LlmFleet.Catalog.Quantization;
using LlmFleet.Planning.Memory;

namespace LlmFleet.Planning.Tests.Memory;

/// <summary>KV-cache bytes per token as vLLM and llama.cpp allocate them.</summary>
public sealed class KvCacheSizerTests
{
    private static ModelArchitecture Arch(string id) => ModelCatalog.Default.Get(id).Architecture;

    [Fact]
    public void For_Glm52InVllm_IsFp8DsMlaPlusIndexerKeys()
    {
        var kv = KvCacheSizer.For(Arch("glm-5.2"), InferenceEngine.Vllm, "auto", 8, includeMtpLayer: false);
        Assert.Equal("fp8_ds_mla", kv.DtypeName);
        // 78 layers x 656 bytes (512 fp8 + 4 fp32 scales + 64 bf16 rope) + 21 full indexers x (128 fp8 + 1 fp32 scale).
        Assert.Equal(78 * 656 + 21 * 132, kv.BytesPerToken);
    }

    [Fact]
    public void For_MlaLatent_IsReplicatedOnEveryTensorParallelRank()
    {
        var tp1 = KvCacheSizer.For(Arch("deepseek-v3"), InferenceEngine.Vllm, "auto", 1, false);
        var tp8 = KvCacheSizer.For(Arch("deepseek-v3"), InferenceEngine.Vllm, "auto", 8, false);
        Assert.Equal(tp1.BytesPerToken, tp8.BytesPerToken);
        Assert.Equal(61 * (512 + 64) * 2, tp8.BytesPerToken);
    }

    [Fact]
    public void For_GqaHeads_SplitOverRanksAndReplicatedBeyondHeadCount()
    {
        var a = Arch("llama-3.1-70b"); // 8 KV heads x 128, 80 layers
        Assert.Equal(80L * 2 * 8 * 128 * 2, KvCacheSizer.For(a, InferenceEngine.Vllm, "auto", 1, false).BytesPerToken);
        Assert.Equal(80L * 2 * 1 * 128 * 2, KvCacheSizer.For(a, InferenceEngine.Vllm, "auto", 8, false).BytesPerToken);
        Assert.Equal(80L * 2 * 1 * 128 * 2, KvCacheSizer.For(a, InferenceEngine.Vllm, "auto", 16, false).BytesPerToken);
        Assert.Equal(80L * 2 * 1 * 128 * 1, KvCacheSizer.For(a, InferenceEngine.Vllm, "fp8", 16, false).BytesPerToken);
    }

    [Fact]
    public void For_DsaModelInLlamaCpp_IsDenseF16Latent()
    {
        var kv = KvCacheSizer.For(Arch("glm-5.2"), InferenceEngine.LlamaCpp, "auto", 1, false);
        Assert.Equal("f16", kv.DtypeName);
        Assert.Null(kv.SparseTopK);
        Assert.Equal(78 * 576 * 2, kv.BytesPerToken);
    }

    [Fact]
    public void For_UnknownDtype_Throws() =>
        Assert.Throws<PlanningException>(() => KvCacheSizer.For(Arch("glm-5.2"), InferenceEngine.Vllm, "int4", 8, false));
}
