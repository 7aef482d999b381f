using LlmFleet.Vllm.Metrics;

namespace LlmFleet.Monitoring.Scraping;

/// <summary>
/// The GPUs of one host as NVIDIA's dcgm-exporter reports them (default counters file, dcp-metrics-included.csv):
/// utilisation in percent and framebuffer memory in MiB, one series per <c>gpu</c> label.
/// </summary>
public sealed record DcgmScrape(IReadOnlyList<GpuSample> Gpus)
{
    public const string GpuUtil = "DCGM_FI_DEV_GPU_UTIL";
    public const string FbUsed = "DCGM_FI_DEV_FB_USED";
    public const string FbFree = "DCGM_FI_DEV_FB_FREE";
    public const string GpuTemp = "DCGM_FI_DEV_GPU_TEMP";
    public const string PowerUsage = "DCGM_FI_DEV_POWER_USAGE";

    private const double MiB = 1024 * 1024;

    public static DcgmScrape Parse(ReadOnlySpan<char> text)
    {
        var gpus = new SortedDictionary<string, GpuSample>(StringComparer.Ordinal);
        foreach (var s in PrometheusText.EnumerateSamples(text))
        {
            if (!s.Name.StartsWith("DCGM_FI_DEV_") || !s.TryGetLabel("gpu", out var id))
            {
                continue;
            }
            var g = gpus.GetValueOrDefault(id) ?? new GpuSample(id, 0, 0, 0, null, null);
            if (s.Name.SequenceEqual(GpuUtil))
            {
                g = g with { UtilizationPercent = s.Value };
            }
            else if (s.Name.SequenceEqual(FbUsed))
            {
                g = g with { MemoryUsedBytes = (long)(s.Value * MiB) };
            }
            else if (s.Name.SequenceEqual(FbFree))
            {
                g = g with { MemoryFreeBytes = (long)(s.Value * MiB) };
            }
            else if (s.Name.SequenceEqual(GpuTemp))
            {
                g = g with { TemperatureCelsius = s.Value };
            }
            else if (s.Name.SequenceEqual(PowerUsage))
            {
                g = g with { PowerWatts = s.Value };
            }
            gpus[id] = g;
        }
        return new DcgmScrape([.. gpus.Values]);
    }
}

/// <summary>One GPU: utilisation 0–100 and framebuffer use.</summary>
public sealed record GpuSample(string Gpu, double UtilizationPercent, long MemoryUsedBytes, long MemoryFreeBytes, double? TemperatureCelsius, double? PowerWatts)
{
    public long MemoryTotalBytes => MemoryUsedBytes + MemoryFreeBytes;
}
