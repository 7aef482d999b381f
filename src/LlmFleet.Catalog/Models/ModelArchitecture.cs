namespace LlmFleet.Catalog.Models;

/// <summary>Attention kinds as reported by <c>models show</c>: <c>mha</c>, <c>gqa</c>, <c>mla</c>, <c>mla+dsa</c>.</summary>
public enum AttentionKind
{
    Mha,
    Gqa,
    Mla,
    MlaDsa,
}

/// <summary>The shape of a model's attention, enough to count its parameters and size its KV cache.</summary>
/// <param name="NumHeads">Query heads.</param>
/// <param name="NumKvHeads">Key/value heads (equal to <paramref name="NumHeads"/> for MHA and MLA).</param>
/// <param name="HeadDim">Per-head dimension of q/k/v for MHA/GQA.</param>
/// <param name="QkvBias">q, k, v projections carry biases.</param>
/// <param name="OutputBias">o projection carries a bias.</param>
/// <param name="QkNorm">Per-head RMSNorm on q and k (Qwen3, some GLM).</param>
/// <param name="Sinks">One learned attention-sink logit per head (gpt-oss).</param>
/// <param name="Mla">Multi-head latent attention shape, when the model uses MLA.</param>
/// <param name="Indexer">DeepSeek Sparse Attention indexer, when the model has one.</param>
/// <param name="SlidingWindowLayers">Layers that attend only to a sliding window (their KV cache is bounded).</param>
/// <param name="SlidingWindow">Window size in tokens for those layers.</param>
public sealed record AttentionSpec(
    int NumHeads,
    int NumKvHeads,
    int HeadDim,
    bool QkvBias,
    bool OutputBias,
    bool QkNorm,
    bool Sinks,
    MlaSpec? Mla,
    IndexerSpec? Indexer,
    int SlidingWindowLayers,
    int SlidingWindow)
{
    public AttentionKind Kind => Mla is not null
        ? (Indexer is not null ? AttentionKind.MlaDsa : AttentionKind.Mla)
        : (NumKvHeads == NumHeads ? AttentionKind.Mha : AttentionKind.Gqa);

    public string KindName => Kind switch
    {
        AttentionKind.Mha => "mha",
        AttentionKind.Gqa => "gqa",
        AttentionKind.Mla => "mla",
        AttentionKind.MlaDsa => "mla+dsa",
        _ => throw new InvalidOperationException(),
    };
}

/// <summary>Multi-head latent attention (DeepSeek-V2/V3, Kimi K2, GLM-5.x).</summary>
/// <param name="QLoraRank">Rank of the q down-projection; null when q is projected directly.</param>
/// <param name="KvLoraRank">Rank of the compressed KV latent (what the KV cache stores per layer).</param>
public sealed record MlaSpec(int? QLoraRank, int KvLoraRank, int QkNopeHeadDim, int QkRopeHeadDim, int VHeadDim);

/// <summary>The lightning indexer of DeepSeek Sparse Attention.</summary>
/// <param name="Layers">How many layers carry their own indexer (all, or fewer where layers share one).</param>
public sealed record IndexerSpec(int NumHeads, int HeadDim, int TopK, int Layers);

/// <summary>Mixture-of-Experts shape, identical for every MoE layer.</summary>
/// <param name="SharedIntermediateSize">Total intermediate width of the shared expert(s); 0 when none.</param>
/// <param name="GatedExperts">Experts are SwiGLU (gate, up, down); otherwise two matrices.</param>
/// <param name="ExpertBias">Expert projections carry biases (gpt-oss).</param>
/// <param name="RouterBias">Router has a bias or a score-correction vector (one value per expert).</param>
public sealed record MoeSpec(
    int NumExperts,
    int ExpertsPerToken,
    int ExpertIntermediateSize,
    int SharedIntermediateSize,
    bool GatedExperts,
    bool ExpertBias,
    bool RouterBias);

/// <summary>
/// A decoder-only model's architecture as parsed from a Hugging Face <c>config.json</c>: everything the planner needs
/// and nothing it does not.
/// </summary>
/// <param name="DenseLayers">Layers with a dense MLP (the rest are MoE layers).</param>
/// <param name="MtpLayers">Multi-token-prediction (next-n) layers, counted separately from the main model.</param>
public sealed record ModelArchitecture(
    string ModelType,
    int HiddenSize,
    int NumLayers,
    int VocabSize,
    bool TieWordEmbeddings,
    long MaxContext,
    int IntermediateSize,
    AttentionSpec Attention,
    MoeSpec? Moe,
    int DenseLayers,
    int MtpLayers,
    IReadOnlyList<string> Warnings)
{
    public int MoeLayers => NumLayers - DenseLayers;

    /// <summary>The format the authors' checkpoint is stored in, from <c>quantization_config.quant_method</c>
    /// (<c>fp8</c> for DeepSeek-V3 and Kimi K2, <c>mxfp4</c> for gpt-oss); null for a BF16/FP16 checkpoint.</summary>
    public string? CheckpointQuantization { get; init; }

    /// <summary>The config's <c>_name_or_path</c>: the Hub id or folder it was saved from, when it says.</summary>
    public string? NameOrPath { get; init; }

    public bool IsMoe => Moe is not null && MoeLayers > 0;
}
