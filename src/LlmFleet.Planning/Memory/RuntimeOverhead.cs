using LlmFleet.Catalog.Models;

namespace LlmFleet.Planning.Memory;

/// <summary>
/// GPU memory besides weights and KV cache. vLLM profiles a forward pass of <c>max_num_batched_tokens</c> tokens
/// and subtracts its peak activations, plus memory outside PyTorch (CUDA context, NCCL buffers, CUDA graphs), before
/// sizing the KV cache; llama.cpp reserves a compute buffer per device. These are estimates from the model's shape:
/// a dozen hidden-size buffers per batched token, the widest MLP intermediate split over the ranks, fp32 logits for
/// the sampled sequences.
/// </summary>
public static class RuntimeOverhead
{
    /// <summary>vLLM V1's default chunked-prefill budget per step for online serving.</summary>
    public const int VllmBatchedTokens = 8192;

    /// <summary>CUDA context, NCCL/custom all-reduce buffers and CUDA graphs outside PyTorch's allocator.</summary>
    public const long NonTorchBytes = 2L << 30;

    /// <summary>Compute buffer llama.cpp reserves per device for a 512-token micro-batch, plus the CUDA context.</summary>
    public const long LlamaCppBufferBytes = (3L << 30) / 2 + (1L << 29);

    public static long VllmPerGpu(ModelArchitecture a, int tensorParallel)
    {
        long h = a.HiddenSize;
        long mlpWidth = a.IsMoe
            ? (long)a.Moe!.ExpertsPerToken * a.Moe.ExpertIntermediateSize + a.Moe.SharedIntermediateSize
            : a.IntermediateSize;
        mlpWidth = Math.Max(mlpWidth, a.DenseLayers > 0 ? a.IntermediateSize : 0);
        // Per batched token: ~12 hidden-size bf16 buffers (residual, norms, attention in/out, MoE dispatch and combine)
        // and the gate/up output of the MLP (2 x width, bf16) on this rank.
        var activation = VllmBatchedTokens * (24 * h + 4 * mlpWidth / tensorParallel);
        // fp32 logits for the 256 sequences of the sampler's profile run, vocabulary split over the ranks.
        var logits = 256L * a.VocabSize * 4 / tensorParallel;
        return activation + logits + NonTorchBytes;
    }
}
