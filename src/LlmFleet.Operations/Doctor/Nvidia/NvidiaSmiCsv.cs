using System.Globalization;

namespace LlmFleet.Operations.Doctor.Nvidia;

/// <summary>
/// Parses <c>nvidia-smi --query-gpu=… --format=csv</c>. Columns are found by the header's field names, so output
/// that asks for fewer or other fields (and older drivers that print values with or without units) still parses.
/// </summary>
public static class NvidiaSmiCsv
{
    /// <summary>The fields <c>doctor</c> asks for.</summary>
    public const string QueryFields =
        "index,name,driver_version,memory.total,memory.free,ecc.mode.current,persistence_mode," +
        "pcie.link.gen.current,pcie.link.gen.max,pcie.link.width.current,pcie.link.width.max";

    /// <exception cref="FormatException">No header line, or a row with a different number of columns.</exception>
    public static IReadOnlyList<GpuInfo> Parse(string csv)
    {
        var lines = csv.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0).ToList();
        if (lines.Count == 0 || !lines[0].Contains("name", StringComparison.Ordinal))
        {
            throw new FormatException("nvidia-smi CSV output has no header line naming its fields");
        }
        var header = lines[0].Split(',').Select(h => h.Trim()).ToList();
        var fields = header.Select(h => h.Split(' ')[0]).ToList();
        var units = header.Select(h => h.Contains('[', StringComparison.Ordinal) ? h[(h.IndexOf('[', StringComparison.Ordinal) + 1)..].TrimEnd(']') : null).ToList();
        var gpus = new List<GpuInfo>();
        foreach (var line in lines.Skip(1))
        {
            var cells = line.Split(',').Select(c => c.Trim()).ToList();
            if (cells.Count != fields.Count)
            {
                throw new FormatException($"nvidia-smi CSV row has {cells.Count} columns, header has {fields.Count}: {line}");
            }
            string? Cell(params string[] names)
            {
                var i = fields.FindIndex(f => names.Contains(f));
                return i < 0 || IsNotAvailable(cells[i]) ? null : cells[i];
            }
            long? Bytes(string name)
            {
                var i = fields.IndexOf(name);
                return i < 0 || IsNotAvailable(cells[i]) ? null : ParseBytes(cells[i], units[i]);
            }
            int? Int(string name) => int.TryParse(Cell(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;

            gpus.Add(new GpuInfo(
                Int("index") ?? gpus.Count,
                Cell("name", "gpu_name") ?? "unknown",
                Cell("driver_version"),
                Bytes("memory.total"),
                Bytes("memory.free"),
                Cell("ecc.mode.current"),
                Cell("persistence_mode"),
                Int("pcie.link.gen.current") ?? Int("pcie.link.gen.gpucurrent"),
                Int("pcie.link.gen.max") ?? Int("pcie.link.gen.gpumax"),
                Int("pcie.link.width.current"),
                Int("pcie.link.width.max")));
        }
        return gpus;
    }

    private static bool IsNotAvailable(string cell) => cell.Length == 0 || cell.StartsWith('[') || cell == "N/A";

    /// <summary>"81559 MiB", or "81559" under a "[MiB]" header (<c>nounits</c>).</summary>
    private static long? ParseBytes(string cell, string? headerUnit)
    {
        var parts = cell.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (!double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            return null;
        }
        var unit = parts.Length > 1 ? parts[1] : headerUnit ?? "MiB";
        var scale = unit switch
        {
            "KiB" => 1L << 10,
            "MiB" => 1L << 20,
            "GiB" => 1L << 30,
            _ => 1L,
        };
        return (long)(value * scale);
    }
}
