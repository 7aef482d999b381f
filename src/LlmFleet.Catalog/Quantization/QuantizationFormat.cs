using LlmFleet.Catalog.Models;

namespace LlmFleet.Catalog.Quantization;

/// <summary>
/// A way of storing a model's weights: bits per weight for each tensor class (so dynamic GGUF mixes and "experts in
/// MXFP4, the rest BF16" are exact), the precision its matrix multiplies run in, and the engines that can serve it.
/// </summary>
/// <param name="Id">What <c>--quant</c> takes: <c>fp8</c>, <c>gguf:Q4_K_M</c>, <c>gguf:UD-IQ2_XXS</c>.</param>
/// <param name="DefaultBitsPerWeight">Bits per weight of every class not listed in <paramref name="BitsPerWeightByClass"/>.</param>
/// <param name="TypesByClass">For GGUF formats, the llama.cpp types behind each class (for display), else empty.</param>
/// <param name="Source">Where the layout comes from.</param>
public sealed record QuantizationFormat(
    string Id,
    string Name,
    string Description,
    double DefaultBitsPerWeight,
    IReadOnlyDictionary<TensorClass, double> BitsPerWeightByClass,
    IReadOnlyDictionary<TensorClass, string> TypesByClass,
    ComputePrecision Compute,
    IReadOnlyList<InferenceEngine> Engines,
    string Source)
{
    public bool IsGguf => Id.StartsWith("gguf:", StringComparison.Ordinal);

    public double BitsPerWeight(TensorClass c) =>
        BitsPerWeightByClass.TryGetValue(c, out var bits) ? bits : DefaultBitsPerWeight;

    public bool RunsOn(InferenceEngine engine) => Engines.Contains(engine);
}
