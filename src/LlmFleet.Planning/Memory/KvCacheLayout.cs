namespace LlmFleet.Planning.Memory;

/// <summary>
/// How one engine lays out a model's KV cache on one GPU, and what a decode step reads from it.
/// </summary>
/// <param name="DtypeName">The cache dtype as the engine names it (<c>fp8_ds_mla</c>, <c>bfloat16</c>, <c>fp8</c>, <c>f16</c>).</param>
/// <param name="AttentionBytesPerTokenPerLayer">Bytes per token in one full-attention layer on one GPU (latent for
/// MLA, K+V of this GPU's heads for MHA/GQA).</param>
/// <param name="AttentionLayers">Layers whose cache grows with the context (all but sliding-window layers), on all
/// pipeline stages together.</param>
/// <param name="IndexerBytesPerTokenPerLayer">DSA indexer keys per token in one layer that has an indexer; 0 without DSA.</param>
/// <param name="IndexerLayers">Layers with their own indexer cache.</param>
/// <param name="SparseTopK">Tokens sparse attention reads per query (DSA top-k); null when attention reads the whole context.</param>
/// <param name="SlidingBytesPerTokenPerLayer">Bytes per token in a sliding-window layer.</param>
/// <param name="SlidingLayers">Layers with a sliding window; their cache holds at most <paramref name="SlidingWindow"/> tokens.</param>
public sealed record KvCacheLayout(
    string DtypeName,
    long AttentionBytesPerTokenPerLayer,
    int AttentionLayers,
    long IndexerBytesPerTokenPerLayer,
    int IndexerLayers,
    int? SparseTopK,
    long SlidingBytesPerTokenPerLayer,
    int SlidingLayers,
    int SlidingWindow)
{
    /// <summary>Bytes one more token of context adds to one GPU's cache (all pipeline stages together).</summary>
    public long BytesPerToken => AttentionBytesPerTokenPerLayer * AttentionLayers + IndexerBytesPerTokenPerLayer * IndexerLayers;

    /// <summary>Cache one sequence of <paramref name="contextTokens"/> tokens needs on one GPU (all stages).</summary>
    public long BytesPerSequence(long contextTokens) =>
        BytesPerToken * contextTokens + SlidingBytesPerTokenPerLayer * SlidingLayers * Math.Min(contextTokens, SlidingWindow);

    /// <summary>Cache bytes one decode step reads for one sequence at <paramref name="contextTokens"/>: sparse
    /// attention reads only its top-k latents but the indexer scans every key.</summary>
    public double BytesReadPerDecodedToken(double contextTokens)
    {
        var attended = SparseTopK is { } k ? Math.Min(contextTokens, k) : contextTokens;
        return AttentionBytesPerTokenPerLayer * AttentionLayers * attended
            + IndexerBytesPerTokenPerLayer * IndexerLayers * contextTokens
            + SlidingBytesPerTokenPerLayer * SlidingLayers * Math.Min(contextTokens, SlidingWindow);
    }
}
