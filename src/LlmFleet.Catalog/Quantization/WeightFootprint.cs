using LlmFleet.Catalog.Models;

namespace LlmFleet.Catalog.Quantization;

/// <summary>
/// Bytes of a model's weights in one quantization format, per tensor class. MTP (next-n) layers are included when
/// the engine loads them: vLLM with MTP speculative decoding, and GGUF files of GLM models (llama.cpp's converter
/// keeps GLM's next-n layer but drops DeepSeek's).
/// </summary>
/// <param name="BytesByClass">Main model plus any included MTP layers, per class.</param>
/// <param name="MtpBytes">The part of the total that is MTP layers.</param>
public sealed record WeightFootprint(IReadOnlyDictionary<TensorClass, long> BytesByClass, long MtpBytes)
{
    public long TotalBytes => BytesByClass.Values.Sum();

    public long Of(TensorClass c) => BytesByClass.TryGetValue(c, out var b) ? b : 0;

    /// <summary>Routed-expert bytes: the part MoE offload moves to system RAM.</summary>
    public long RoutedExpertBytes => Of(TensorClass.RoutedExperts);

    /// <summary>Everything but the routed experts: what a GPU must hold in any MoE offload arrangement.</summary>
    public long NonRoutedBytes => TotalBytes - RoutedExpertBytes;

    public static WeightFootprint Compute(ParameterBreakdown parameters, QuantizationFormat format, bool includeMtp)
    {
        var bytes = new Dictionary<TensorClass, long>();
        long mtp = 0;
        foreach (var c in Enum.GetValues<TensorClass>())
        {
            var main = ToBytes(parameters.Of(c), format.BitsPerWeight(c));
            var extra = includeMtp && parameters.MtpByClass.TryGetValue(c, out var m) ? ToBytes(m, format.BitsPerWeight(c)) : 0;
            mtp += extra;
            if (main + extra > 0)
            {
                bytes[c] = main + extra;
            }
        }
        return new WeightFootprint(bytes, mtp);
    }

    private static long ToBytes(long parameters, double bitsPerWeight) => (long)Math.Round(parameters * bitsPerWeight / 8.0);
}
