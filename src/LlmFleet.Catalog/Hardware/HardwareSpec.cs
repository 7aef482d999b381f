using LlmFleet.Catalog.Quantization;

namespace LlmFleet.Catalog.Hardware;

/// <summary>Where a device is bought and how it is deployed; drives the planner's recommendation tiers.</summary>
public enum HardwareKind
{
    /// <summary>Data-centre accelerators sold in 8-GPU servers (HGX, OAM).</summary>
    Datacenter,
    /// <summary>Professional workstation cards.</summary>
    Workstation,
    /// <summary>Gaming cards.</summary>
    Consumer,
    /// <summary>Apple silicon with unified memory: GPU memory is system memory.</summary>
    Apple,
}

/// <summary>An Apple configuration: unified memory size and its price.</summary>
public sealed record MemoryOption(int MemoryGb, double PriceUsd);

/// <summary>
/// One accelerator as its datasheet describes it. Apple chips have no memory of their own here:
/// <see cref="MemoryBytes"/> is null and the memory comes from <c>--ram-gb</c> (unified).
/// </summary>
/// <param name="Family">The architecture an engine builds its kernels for (<c>hopper</c>, <c>blackwell-sm120</c>...); the
/// planner's engine-support table (<c>Data/engine-support.json</c> of LlmFleet.Planning) defines each family and what every engine
/// runs on it.</param>
/// <param name="MemoryBytes">Device memory as the driver reports it (what vLLM sizes against).</param>
/// <param name="Fp8DenseTflops">Null where the device has no FP8 tensor cores (FP8 weights then run at the BF16 rate).</param>
/// <param name="InterconnectBytesPerSecond">GPU-to-GPU bandwidth (NVLink, Infinity Fabric) or the PCIe link.</param>
/// <param name="PcieGeneration">Host link generation (0 for Apple).</param>
/// <param name="RentalUsdPerGpuHour">Typical on-demand cloud price, null where not rented.</param>
/// <param name="GpusPerNode">GPUs in one server of the usual kind: 8 for data-centre parts, 1 for desk-side ones.</param>
public sealed record HardwareSpec(
    string Id,
    string Name,
    string Vendor,
    HardwareKind Kind,
    string Family,
    long? MemoryBytes,
    double MemoryBandwidthBytesPerSecond,
    double Bf16DenseTflops,
    double? Fp8DenseTflops,
    double? Fp4DenseTflops,
    double? Int8DenseTops,
    string Interconnect,
    double InterconnectBytesPerSecond,
    int PcieGeneration,
    double TdpWatts,
    double PriceUsd,
    double? RentalUsdPerGpuHour,
    int GpusPerNode,
    IReadOnlyList<MemoryOption> MemoryOptions,
    string MemoryNote,
    string Source)
{
    public bool IsUnifiedMemory => Kind == HardwareKind.Apple;

    /// <summary>Peak dense FLOP/s for matrix multiplies at a precision, falling back to the best rate the device has
    /// (an FP4 format on Hopper runs at the FP8 or BF16 rate after dequantization).</summary>
    public double PeakFlopsPerSecond(ComputePrecision precision)
    {
        var tflops = precision switch
        {
            ComputePrecision.Fp4 => Fp4DenseTflops ?? Fp8DenseTflops ?? Bf16DenseTflops,
            ComputePrecision.Fp8 => Fp8DenseTflops ?? Bf16DenseTflops,
            ComputePrecision.Int8 => Int8DenseTops ?? Bf16DenseTflops,
            _ => Bf16DenseTflops,
        };
        return tflops * 1e12;
    }
}
