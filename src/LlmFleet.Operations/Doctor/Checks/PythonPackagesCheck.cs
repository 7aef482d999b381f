using System.Text.RegularExpressions;

namespace LlmFleet.Operations.Doctor.Checks;

/// <summary>
/// Installed versions of the engine's packages (vllm, torch, transformers). A missing one fails with the command
/// that installs it; a torch built for a newer CUDA than the driver supports fails too (it would find no GPU).
/// </summary>
public sealed partial class PythonPackagesCheck : IDoctorCheck
{
    public string Id => "python-packages";

    public async Task<CheckResult> RunAsync(DoctorContext context, CancellationToken cancellationToken)
    {
        var engine = context.Engine;
        if (engine.Packages.Count == 0)
        {
            return CheckResult.Skipped(Id, $"skipped: {engine.Id} needs no Python packages");
        }
        var python = await context.PythonAsync();
        if (python.Absent is not null)
        {
            return CheckResult.Skipped(Id, $"skipped: {python.Absent}");
        }
        var evidence = engine.Packages.Select(p => $"{p}: {python.Packages.GetValueOrDefault(p) ?? "not installed"}").ToList();
        var missing = engine.Packages.Where(p => python.Packages.GetValueOrDefault(p) is null).ToList();
        if (missing.Count > 0)
        {
            return new CheckResult(Id, CheckStatus.Fail, $"not installed in {python.Executable}: {string.Join(", ", missing)}", evidence,
                $"`uv pip install {engine.Id} --torch-backend=auto` in that environment (installs torch and transformers with it).");
        }
        var smi = await context.NvidiaSmiAsync();
        var torch = python.Packages.GetValueOrDefault("torch");
        if (torch is not null && TorchCuda().Match(torch) is { Success: true } m && Version.TryParse(smi.CudaVersion, out var driverCuda))
        {
            var torchCuda = new Version(int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture),
                int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
            evidence.Add($"torch is built for CUDA {torchCuda}; the driver supports up to CUDA {driverCuda}");
            if (torchCuda.Major > driverCuda.Major)
            {
                return new CheckResult(Id, CheckStatus.Fail, $"torch {torch} needs CUDA {torchCuda}, the driver supports only {driverCuda}", evidence,
                    "Upgrade the NVIDIA driver, or install a torch built for the driver's CUDA (`uv pip install vllm --torch-backend=auto` picks one).");
            }
        }
        return CheckResult.Pass(Id, string.Join(", ", engine.Packages.Select(p => $"{p} {python.Packages[p]}")), [.. evidence]);
    }

    /// <summary>PyTorch wheels name their CUDA build in the local version: "2.8.0+cu128" is CUDA 12.8.</summary>
    [GeneratedRegex(@"\+cu(\d{2})(\d)$")]
    private static partial Regex TorchCuda();
}
