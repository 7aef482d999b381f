namespace LlmFleet.Catalog.Models;

/// <summary>
/// A model's parameters by tensor class. <see cref="Total"/> is the main model without MTP layers (what authors
/// publish as "total"); <see cref="Active"/> is what one token runs through: every dense part plus top-k of the routed
/// experts; <see cref="Mtp"/> is the next-n prediction layers, which vLLM loads only for speculative decoding.
/// </summary>
/// <param name="ByClass">Main-model parameters of each class (MTP excluded).</param>
/// <param name="MtpByClass">MTP-layer parameters of each class.</param>
/// <param name="ActiveRoutedExperts">Routed-expert parameters one token runs through.</param>
public sealed record ParameterBreakdown(
    IReadOnlyDictionary<TensorClass, long> ByClass,
    IReadOnlyDictionary<TensorClass, long> MtpByClass,
    long ActiveRoutedExperts)
{
    public long Total => ByClass.Values.Sum();

    public long Mtp => MtpByClass.Values.Sum();

    public long Embedding => Of(TensorClass.Embedding);

    public long Active => Total - Of(TensorClass.RoutedExperts) + ActiveRoutedExperts;

    /// <summary>Active parameters under a convention that leaves some classes out (see <see cref="PublishedFigures"/>).</summary>
    public long ActiveExcluding(IEnumerable<TensorClass> excluded) => Active - excluded.Sum(Of);

    public long Of(TensorClass c) => ByClass.TryGetValue(c, out var v) ? v : 0;
}
