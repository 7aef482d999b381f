using LlmFleet.Catalog.Models;
using LlmFleet.Catalog.Quantization;

namespace LlmFleet.Planning.Memory;

/// <summary>
/// KV-cache bytes per token as each engine allocates them. vLLM: MLA stores one latent (kv_lora_rank + rope dims)
/// per layer and replicates it on every tensor-parallel rank; DeepSeek-V3.2 / GLM-5.x default to <c>fp8_ds_mla</c>
/// (512 fp8 latent values, four fp32 scales, 64 rope values in bf16 = 656 bytes) plus the DSA indexer's keys
/// (index_head_dim fp8 values and one fp32 scale per 128); MHA/GQA split the KV heads over the ranks and replicate
/// them when there are more ranks than heads. llama.cpp: the same latent in f16 (or q8_0), no sparse indexer.
/// </summary>
public static class KvCacheSizer
{
    /// <summary>vLLM's fp8_ds_mla entry: 512 e4m3 + 4 x fp32 scales + 64 x bf16 rope (vLLM FlashMLA sparse).</summary>
    private const int FpDsMlaBytes = 512 + 4 * 4 + 64 * 2;

    /// <summary>vLLM's indexer k-cache quantizes keys to fp8 with one fp32 scale per block of 128 values.</summary>
    private const int IndexerQuantBlock = 128;

    /// <param name="includeMtpLayer">The engine runs the MTP layer (speculative decoding), which has its own cache.</param>
    /// <exception cref="PlanningException">A KV dtype other than auto, bf16 or fp8.</exception>
    public static KvCacheLayout For(ModelArchitecture a, InferenceEngine engine, string kvDtype, int tensorParallel, bool includeMtpLayer)
    {
        if (kvDtype is not ("auto" or "bf16" or "fp8"))
        {
            throw new PlanningException($"unknown KV-cache dtype '{kvDtype}' (expected auto, bf16 or fp8)");
        }
        var at = a.Attention;
        var extra = includeMtpLayer ? a.MtpLayers : 0;
        if (at.Mla is { } mla)
        {
            int latent = mla.KvLoraRank + mla.QkRopeHeadDim;
            var dsa = at.Indexer is not null && engine == InferenceEngine.Vllm;
            var (name, bytes) = engine == InferenceEngine.Vllm
                ? kvDtype switch
                {
                    "bf16" => ("bfloat16", latent * 2L),
                    "fp8" when dsa => ("fp8_ds_mla", FpDsMlaBytes),
                    "auto" when dsa => ("fp8_ds_mla", FpDsMlaBytes),
                    "fp8" => ("fp8", latent * 1L),
                    _ => ("bfloat16", latent * 2L),
                }
                : kvDtype == "fp8" ? ("q8_0", latent * 34L / 32) : ("f16", latent * 2L);
            var ix = dsa ? at.Indexer! : null;
            return new KvCacheLayout(
                name, bytes, a.NumLayers + extra,
                ix is null ? 0 : ix.HeadDim + ix.HeadDim / IndexerQuantBlock * 4,
                ix is null ? 0 : ix.Layers + extra,
                ix?.TopK,
                0, 0, 0);
        }

        // MHA / GQA: K and V for this GPU's KV heads. vLLM splits heads over TP ranks and replicates them when
        // there are more ranks than KV heads; llama.cpp keeps whole layers on one device.
        var heads = engine == InferenceEngine.Vllm ? Math.Max(1, at.NumKvHeads / tensorParallel) : at.NumKvHeads;
        var vllm = engine == InferenceEngine.Vllm;
        // llama.cpp's q8_0 cache stores 34 bytes per 32 values (an fp16 scale per block).
        var (dtypeName, elementBytes) = kvDtype == "fp8"
            ? (vllm ? "fp8" : "q8_0", vllm ? 1.0 : 34.0 / 32)
            : (vllm ? "bfloat16" : "f16", 2.0);
        var perLayer = (long)Math.Round(2.0 * heads * at.HeadDim * elementBytes);
        var sliding = Math.Min(at.SlidingWindowLayers, a.NumLayers);
        return new KvCacheLayout(dtypeName, perLayer, a.NumLayers - sliding + extra, 0, 0, null,
            perLayer, sliding, at.SlidingWindow);
    }
}
