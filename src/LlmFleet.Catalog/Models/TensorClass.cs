namespace LlmFleet.Catalog.Models;

/// <summary>
/// The classes of tensors a decoder is made of. Quantization formats give each class its own bit width
/// (dynamic GGUF mixes keep attention at higher precision than routed experts; gpt-oss ships only its experts in MXFP4).
/// </summary>
public enum TensorClass
{
    /// <summary>Token embedding table.</summary>
    Embedding,
    /// <summary>Output projection to the vocabulary (absent when tied to the embedding).</summary>
    LmHead,
    /// <summary>Attention projections (MHA/GQA q, k, v, o with biases and QK-norm; MLA low-rank projections).</summary>
    Attention,
    /// <summary>The lightning indexer of DeepSeek Sparse Attention (DeepSeek-V3.2, GLM-5.x).</summary>
    Indexer,
    /// <summary>MLPs of dense layers.</summary>
    DenseMlp,
    /// <summary>Routed experts of MoE layers: only top-k of them run per token.</summary>
    RoutedExperts,
    /// <summary>Shared experts of MoE layers: run for every token.</summary>
    SharedExperts,
    /// <summary>MoE router (gate) weights and biases.</summary>
    Router,
    /// <summary>RMSNorm / LayerNorm weights.</summary>
    Norm,
}

/// <summary>snake_case names used in JSON output and in quantization data files.</summary>
public static class TensorClassNames
{
    public static string ToName(this TensorClass c) => c switch
    {
        TensorClass.Embedding => "embedding",
        TensorClass.LmHead => "lm_head",
        TensorClass.Attention => "attention",
        TensorClass.Indexer => "indexer",
        TensorClass.DenseMlp => "dense_mlp",
        TensorClass.RoutedExperts => "routed_experts",
        TensorClass.SharedExperts => "shared_experts",
        TensorClass.Router => "router",
        TensorClass.Norm => "norm",
        _ => throw new ArgumentOutOfRangeException(nameof(c), c, null),
    };

    public static TensorClass Parse(string name)
    {
        foreach (var c in Enum.GetValues<TensorClass>())
        {
            if (c.ToName() == name)
            {
                return c;
            }
        }
        throw new CatalogException($"unknown tensor class '{name}' (expected one of: {string.Join(", ", Enum.GetValues<TensorClass>().Select(x => x.ToName()))})");
    }
}
