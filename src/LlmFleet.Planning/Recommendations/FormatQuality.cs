using LlmFleet.Catalog.Models;
using LlmFleet.Catalog.Quantization;

namespace LlmFleet.Planning.Recommendations;

/// <summary>
/// How close a weight format keeps a model to its authors' checkpoint, as a class (0 best): what "quality first" means
/// when the planner picks a format per tier. The class follows the bits of the tensors that hold most of the weights
/// (the routed experts of an MoE model), since quality loss in published evaluations and perplexity tracks them:
/// 8 bits or more stay within noise of BF16 (DeepSeek-V3 was trained in FP8; Z.ai and Qwen publish FP8 checkpoints),
/// 5–6 bits lose little, 4 bits a little more, dynamic 2-bit mixes (Unsloth's UD, which keep attention at 8 bits)
/// about what plain 3-bit does, and 1-bit the most. A format with more bits than the authors' own checkpoint is no
/// better than that checkpoint (gpt-oss in BF16 is its MXFP4 weights upcast).
/// </summary>
internal static class FormatQuality
{
    private static readonly string[] Names =
    [
        "8 bits or more (within noise of the original)",
        "5-6 bits",
        "4 bits",
        "3 bits, or a dynamic 2-bit mix",
        "2 bits",
        "1-2 bits",
    ];

    /// <summary>The class of <paramref name="format"/> for <paramref name="model"/>: 0 (best) to 5.</summary>
    public static int Class(QuantizationFormat format, ModelArchitecture model) =>
        Original(model) is { } original ? Math.Max(ClassOfBits(format, model), ClassOfBits(original, model)) : ClassOfBits(format, model);

    /// <summary>Within a class, the finer order: bits of the dominant tensors, no more than the original checkpoint has
    /// (BF16 of an FP8 model is not better than the FP8 it was upcast from).</summary>
    public static double EffectiveBits(QuantizationFormat format, ModelArchitecture model) =>
        Original(model) is { } original ? Math.Min(DominantBits(format, model), DominantBits(original, model)) : DominantBits(format, model);

    /// <summary>A dynamic mix keeps the tensors every token reads (attention, shared experts, dense layers) at 8 bits
    /// while the routed experts go low; at the same class it loses less than a uniform format (Unsloth's dynamic
    /// quants are built on that).</summary>
    public static bool IsDynamicMix(QuantizationFormat format, ModelArchitecture model) =>
        model.IsMoe && format.BitsPerWeight(TensorClass.Attention) >= 8 && DominantBits(format, model) < 4;

    public static string Describe(int qualityClass) => Names[qualityClass];

    /// <summary>Bits per weight of the tensors that dominate the model's size.</summary>
    public static double DominantBits(QuantizationFormat format, ModelArchitecture model) =>
        format.BitsPerWeight(model.IsMoe ? TensorClass.RoutedExperts : TensorClass.DenseMlp);

    private static int ClassOfBits(QuantizationFormat format, ModelArchitecture model)
    {
        var bits = DominantBits(format, model);
        var dynamicMix = IsDynamicMix(format, model);
        return bits switch
        {
            >= 7.9 => 0,
            >= 5.5 => 1,
            >= 4 => 2,
            >= 2.6 => 3,
            >= 2 => dynamicMix ? 3 : 4,
            _ => 5,
        };
    }

    private static QuantizationFormat? Original(ModelArchitecture model) =>
        model.CheckpointQuantization is { } native && QuantizationCatalog.Default.TryGet(CheckpointFormat(native), out var f) ? f : null;

    /// <summary>The catalog format a <c>quant_method</c> names: MXFP4 checkpoints keep attention in BF16.</summary>
    private static string CheckpointFormat(string quantMethod) => quantMethod switch
    {
        "mxfp4" => "mxfp4-moe",
        _ => quantMethod,
    };
}
