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

    /// <summary>The published file size the per-class bytes were scaled to; null when the total is the recipe's
    /// estimate.</summary>
    public PublishedGgufSize? Published { get; init; }

    /// <summary><see cref="WeightSizeSources.Published"/> or <see cref="WeightSizeSources.Estimate"/>.</summary>
    public string Source => Published is null ? WeightSizeSources.Estimate : WeightSizeSources.Published;

    public long Of(TensorClass c) => BytesByClass.TryGetValue(c, out var b) ? b : 0;

    /// <summary>Routed-expert bytes: the part MoE offload moves to system RAM.</summary>
    public long RoutedExpertBytes => Of(TensorClass.RoutedExperts);

    /// <summary>Everything but the routed experts: what a GPU must hold in any MoE offload arrangement.</summary>
    public long NonRoutedBytes => TotalBytes - RoutedExpertBytes;

    /// <summary>
    /// The footprint the planner uses: <see cref="Compute"/>, scaled to the published file size where
    /// <paramref name="published"/> (default: the embedded data) has one for this model and format. Scaling keeps each
    /// class's share, so the GPU / system RAM split of MoE offload still follows the classes.
    /// </summary>
    public static WeightFootprint For(ModelSource model, ParameterBreakdown parameters, QuantizationFormat format, bool includeMtp,
        PublishedGgufSizes? published = null)
    {
        var computed = Compute(parameters, format, includeMtp);
        return (published ?? PublishedGgufSizes.Default).TryGet(model, format.Id, out var size)
            ? computed.ScaledTo(size.Bytes) with { Published = size }
            : computed;
    }

    /// <summary>GGUF files of GLM models keep the next-n (MTP) layer: llama.cpp's converter writes GLM's and drops
    /// DeepSeek's.</summary>
    public static bool GgufKeepsMtp(ModelArchitecture a) =>
        a.MtpLayers > 0 && a.ModelType.StartsWith("glm", StringComparison.Ordinal);

    /// <summary>The same classes in the same proportions, adding up to exactly <paramref name="totalBytes"/> (the
    /// rounding remainder goes to the largest class).</summary>
    public WeightFootprint ScaledTo(long totalBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(totalBytes);
        var current = TotalBytes;
        if (current == 0)
        {
            throw new InvalidOperationException("cannot scale an empty footprint");
        }
        var factor = (double)totalBytes / current;
        var bytes = BytesByClass.ToDictionary(kv => kv.Key, kv => (long)Math.Round(kv.Value * factor));
        var largest = BytesByClass.MaxBy(kv => kv.Value).Key;
        bytes[largest] += totalBytes - bytes.Values.Sum();
        return new WeightFootprint(bytes, (long)Math.Round(MtpBytes * factor)) { Published = Published };
    }

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
