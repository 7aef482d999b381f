using LlmFleet.Catalog.Hardware;
using LlmFleet.Catalog.Models;

namespace LlmFleet.Planning.Memory;

/// <summary>
/// GPU memory besides weights and KV cache. vLLM profiles a forward pass of <c>max_num_batched_tokens</c> tokens and a
/// sampler pass over <c>max_num_seqs</c> sequences and subtracts their peak, plus memory outside PyTorch (CUDA
/// context, NCCL buffers, CUDA graphs), before sizing the KV cache; llama.cpp reserves a compute buffer per device.
/// These are estimates from the model's shape: a dozen hidden-size buffers per batched token, the widest MLP
/// intermediate split over the ranks, fp32 logits for the sampled sequences.
/// </summary>
public static class RuntimeOverhead
{
    /// <summary>vLLM's default chunked-prefill budget per step for online serving on GPUs of 70 GiB or more other than
    /// the A100 (H100, H200, B200, MI300X...).</summary>
    public const int VllmBatchedTokens = 8192;

    /// <summary>The same default on the A100 and on GPUs under 70 GiB (L40S, RTX...).</summary>
    public const int VllmBatchedTokensSmall = 2048;

    /// <summary>
    /// vLLM's serving defaults for <c>max_num_batched_tokens</c> and <c>max_num_seqs</c> on <paramref name="hw"/>
    /// (<c>EngineArgs.get_batch_defaults</c>): 8,192 and 1,024 on GPUs with at least 70 GiB that are not an A100,
    /// 2,048 and 256 otherwise (the A100 is excluded by name because the larger budget lowered its throughput). The
    /// planner's launch command sets neither, so these are what the profile run uses.
    /// </summary>
    public static (int BatchedTokens, int MaxSeqs) VllmBatchDefaults(HardwareSpec hw) =>
        hw.MemoryBytes is >= 70L << 30 && !hw.Name.Contains("A100", StringComparison.OrdinalIgnoreCase)
            ? (VllmBatchedTokens, 1024)
            : (VllmBatchedTokensSmall, 256);

    /// <summary>CUDA context, NCCL/custom all-reduce buffers and CUDA graphs outside PyTorch's allocator.</summary>
    public const long NonTorchBytes = 2L << 30;

    /// <summary>Compute buffer llama.cpp reserves per device for a 512-token micro-batch, plus the CUDA context.</summary>
    public const long LlamaCppBufferBytes = (3L << 30) / 2 + (1L << 29);

    public static long VllmPerGpu(ModelArchitecture a, int tensorParallel, HardwareSpec hw)
    {
        var (batchedTokens, maxSeqs) = VllmBatchDefaults(hw);
        long h = a.HiddenSize;
        long mlpWidth = a.IsMoe
            ? (long)a.Moe!.ExpertsPerToken * a.Moe.ExpertIntermediateSize + a.Moe.SharedIntermediateSize
            : a.IntermediateSize;
        mlpWidth = Math.Max(mlpWidth, a.DenseLayers > 0 ? a.IntermediateSize : 0);
        // Per batched token: ~12 hidden-size bf16 buffers (residual, norms, attention in/out, MoE dispatch and combine)
        // and the gate/up output of the MLP (2 x width, bf16) on this rank.
        var activation = batchedTokens * (24 * h + 4 * mlpWidth / tensorParallel);
        // fp32 logits for the max_num_seqs sequences of the sampler's profile run, vocabulary split over the ranks.
        var logits = (long)maxSeqs * a.VocabSize * 4 / tensorParallel;
        return activation + logits + NonTorchBytes;
    }
}
