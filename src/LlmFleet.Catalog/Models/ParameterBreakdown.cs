namespace LlmFleet.Catalog.Models;

/// <summary>
/// A model's parameters by tensor class. <see cref="Total"/> is the main model without MTP layers (what authors
/// publish as "total"); <see cref="Active"/> is what one token is multiplied by: every dense part plus top-k of the
/// routed experts, without the token-embedding lookup; <see cref="Mtp"/> is the next-n prediction layers, which vLLM
/// loads only for speculative decoding.
/// </summary>
/// <param name="ByClass">Main-model parameters of each class (MTP excluded).</param>
/// <param name="MtpByClass">MTP-layer parameters of each class.</param>
/// <param name="ActiveRoutedExperts">Routed-expert parameters one token runs through.</param>
/// <param name="TiedEmbeddings">The LM head is the embedding matrix (<c>tie_word_embeddings</c>): it is stored once,
/// under <see cref="TensorClass.Embedding"/>, and <see cref="TensorClass.LmHead"/> is empty.</param>
public sealed record ParameterBreakdown(
    IReadOnlyDictionary<TensorClass, long> ByClass,
    IReadOnlyDictionary<TensorClass, long> MtpByClass,
    long ActiveRoutedExperts,
    bool TiedEmbeddings)
{
    public long Total => ByClass.Values.Sum();

    public long Mtp => MtpByClass.Values.Sum();

    public long Embedding => Of(TensorClass.Embedding);

    /// <summary>
    /// Parameters one token is multiplied by, the count that FLOPs per token follow. The embedding table is left out:
    /// a token reads one row of it, it is not multiplied by it. The LM head stays in, as a matmul over the whole
    /// vocabulary. With tied embeddings that head is the embedding matrix, counted under
    /// <see cref="TensorClass.Embedding"/> only, so the matrix stays in, once, as the head.
    /// </summary>
    public long Active => ActiveWithEmbedding - (TiedEmbeddings ? 0 : Embedding);

    /// <summary>
    /// Active parameters under an author's convention (see <see cref="PublishedFigures"/>): everything one token goes
    /// through, the embedding table included as most authors count it, less the classes the convention leaves out.
    /// </summary>
    public long ActiveExcluding(IEnumerable<TensorClass> excluded) => ActiveWithEmbedding - excluded.Sum(Of);

    public long Of(TensorClass c) => ByClass.TryGetValue(c, out var v) ? v : 0;

    /// <summary>Every dense part plus top-k of the routed experts, embedding table included: the base that published
    /// conventions subtract from.</summary>
    private long ActiveWithEmbedding => Total - Of(TensorClass.RoutedExperts) + ActiveRoutedExperts;
}
