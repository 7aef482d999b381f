namespace LlmFleet.Catalog.Quantization;

/// <summary>The serving engines a quantization format can run on.</summary>
public enum InferenceEngine
{
    /// <summary>vLLM on NVIDIA/AMD GPUs (tensor/pipeline parallel, paged KV cache).</summary>
    Vllm,
    /// <summary>llama.cpp (<c>llama-server</c>): GGUF on CUDA, Metal or CPU, with per-tensor CPU offload.</summary>
    LlamaCpp,
    /// <summary>Apple's MLX (<c>mlx_lm.server</c>) on Apple silicon unified memory.</summary>
    Mlx,
}

/// <summary>Names used in data files, JSON output and messages.</summary>
public static class InferenceEngineNames
{
    public static string ToName(this InferenceEngine e) => e switch
    {
        InferenceEngine.Vllm => "vllm",
        InferenceEngine.LlamaCpp => "llama.cpp",
        InferenceEngine.Mlx => "mlx",
        _ => throw new ArgumentOutOfRangeException(nameof(e), e, null),
    };

    public static InferenceEngine Parse(string name) =>
        Enum.GetValues<InferenceEngine>().Where(e => e.ToName() == name).Select(e => (InferenceEngine?)e).FirstOrDefault()
            ?? throw new CatalogException($"unknown engine '{name}' (expected vllm, llama.cpp or mlx)");
}
