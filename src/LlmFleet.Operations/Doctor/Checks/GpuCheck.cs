using System.Globalization;

namespace LlmFleet.Operations.Doctor.Checks;

/// <summary>
/// Each GPU's name, memory total and free, ECC, persistence mode and PCIe link. Memory another process holds fails
/// for vLLM (it sizes its KV cache from <c>--gpu-memory-utilization</c> × total and stops when that much is not free);
/// persistence off, ECC off on data-center GPUs and a PCIe link narrower than the slot allows are warnings.
/// </summary>
public sealed class GpuCheck : IDoctorCheck
{
    /// <summary>vLLM's default <c>--gpu-memory-utilization</c>.</summary>
    private const double VllmMemoryUtilization = 0.9;

    public string Id => "gpus";

    public async Task<CheckResult> RunAsync(DoctorContext context, CancellationToken cancellationToken)
    {
        var smi = await context.NvidiaSmiAsync();
        if (!smi.HasGpus)
        {
            return CheckResult.Skipped(Id, $"skipped: {smi.Absent}");
        }
        var c = CultureInfo.InvariantCulture;
        var evidence = new List<string>();
        var fails = new List<string>();
        var warnings = new List<string>();
        var fixes = new List<string>();
        foreach (var g in smi.Gpus)
        {
            var link = g.PcieWidthCurrent is null ? "PCIe n/a" : $"PCIe gen {g.PcieGenerationCurrent}/{g.PcieGenerationMax} x{g.PcieWidthCurrent}/x{g.PcieWidthMax}";
            evidence.Add($"GPU {g.Index}: {g.Name}, memory {Mib(g.MemoryFreeBytes)} free of {Mib(g.MemoryTotalBytes)}, " +
                $"ECC {g.EccMode ?? "n/a"}, persistence {g.PersistenceMode ?? "n/a"}, {link}");
            if (context.Engine.Id == "vllm" && g.MemoryTotalBytes is { } total && g.MemoryFreeBytes is { } free && free < VllmMemoryUtilization * total)
            {
                fails.Add($"GPU {g.Index} has only {(100.0 * free / total).ToString("0", c)} % of its memory free");
                fixes.Add("Stop the processes holding GPU memory (see `nvidia-smi`), or lower vLLM's --gpu-memory-utilization below the free fraction.");
            }
            if (g.PersistenceMode == "Disabled")
            {
                warnings.Add($"GPU {g.Index} persistence mode is off");
                fixes.Add("Enable persistence (`sudo nvidia-smi -pm 1`, or run nvidia-persistenced) so the driver stays initialised between runs.");
            }
            if (g.EccMode == "Disabled" && !g.Name.Contains("GeForce", StringComparison.OrdinalIgnoreCase))
            {
                warnings.Add($"GPU {g.Index} ECC is off");
                fixes.Add("Enable ECC (`sudo nvidia-smi -e 1`, then reboot) so memory errors are corrected, not silently served.");
            }
            if (g.PcieWidthCurrent < g.PcieWidthMax)
            {
                warnings.Add($"GPU {g.Index} PCIe link runs at x{g.PcieWidthCurrent} of x{g.PcieWidthMax}");
                fixes.Add("Reseat the GPU or move it to a full-width slot; check riser cables and BIOS lane settings.");
            }
        }
        var count = $"{smi.Gpus.Count} GPU(s): {string.Join(", ", smi.Gpus.GroupBy(g => g.Name).Select(n => $"{n.Count()} × {n.Key}"))}";
        var fix = fixes.Count == 0 ? null : string.Join(" ", fixes.Distinct());
        return fails.Count > 0
            ? new CheckResult(Id, CheckStatus.Fail, $"{count}; {string.Join("; ", fails.Concat(warnings))}", evidence, fix)
            : warnings.Count > 0
                ? new CheckResult(Id, CheckStatus.Warning, $"{count}; {string.Join("; ", warnings)}", evidence, fix)
                : new CheckResult(Id, CheckStatus.Pass, count, evidence);
    }

    private static string Mib(long? bytes) => bytes is { } b ? (b >> 20).ToString("N0", CultureInfo.InvariantCulture) + " MiB" : "n/a";
}
