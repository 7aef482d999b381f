using System.Globalization;

namespace LlmFleet.Operations.Doctor.Host;

/// <summary>System memory from <c>/proc/meminfo</c> (values there are in kB, meaning KiB).</summary>
public sealed record MemInfo(long TotalBytes, long AvailableBytes, long SwapTotalBytes, long SwapFreeBytes)
{
    public static MemInfo? Parse(string? text)
    {
        if (text is null)
        {
            return null;
        }
        var values = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }
            var parts = line[(colon + 1)..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length > 0 && long.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var v))
            {
                values[line[..colon]] = parts.Length > 1 && parts[1] == "kB" ? v * 1024 : v;
            }
        }
        if (!values.TryGetValue("MemTotal", out var total))
        {
            return null;
        }
        return new MemInfo(total, values.GetValueOrDefault("MemAvailable", values.GetValueOrDefault("MemFree")),
            values.GetValueOrDefault("SwapTotal"), values.GetValueOrDefault("SwapFree"));
    }
}
