using LlmFleet.Operations.Doctor.Host;

namespace LlmFleet.Operations.Doctor.Nvidia;

/// <summary>What <c>nvidia-smi</c> says about this host, or why it could not say anything.</summary>
/// <param name="Absent">Why there is no GPU information (no driver, driver not loaded, no devices); null when GPUs were read.</param>
public sealed record NvidiaSmiSnapshot(IReadOnlyList<GpuInfo> Gpus, string? DriverVersion, string? CudaVersion, string? Absent,
    string RawQuery, string RawBanner)
{
    public bool HasGpus => Absent is null && Gpus.Count > 0;
}

/// <summary>Runs <c>nvidia-smi</c> twice: the CSV query for per-GPU facts, the plain banner for the CUDA version.</summary>
public static class NvidiaSmiProbe
{
    public static async Task<NvidiaSmiSnapshot> RunAsync(ICommandRunner runner, CancellationToken cancellationToken)
    {
        var query = await runner.RunAsync("nvidia-smi", [$"--query-gpu={NvidiaSmiCsv.QueryFields}", "--format=csv"], cancellationToken);
        if (query.NotFound)
        {
            return Absent("no NVIDIA driver found: nvidia-smi is not installed or not on PATH", "");
        }
        if (!query.Succeeded)
        {
            var message = FirstLine(query.Output + "\n" + query.Error);
            return Absent(message.Contains("No devices were found", StringComparison.OrdinalIgnoreCase)
                ? "the NVIDIA driver is installed but sees no GPU (nvidia-smi: No devices were found)"
                : $"the NVIDIA driver is not working (nvidia-smi exit code {query.ExitCode}: {message})", query.Output + query.Error);
        }
        IReadOnlyList<GpuInfo> gpus;
        try
        {
            gpus = NvidiaSmiCsv.Parse(query.Output);
        }
        catch (FormatException e)
        {
            return Absent($"could not read nvidia-smi's output ({e.Message})", query.Output);
        }
        if (gpus.Count == 0)
        {
            return Absent("the NVIDIA driver is installed but lists no GPU", query.Output);
        }
        var banner = await runner.RunAsync("nvidia-smi", [], cancellationToken);
        var (bannerDriver, cuda) = NvidiaSmiBanner.Parse(banner.Output);
        return new NvidiaSmiSnapshot(gpus, gpus[0].DriverVersion ?? bannerDriver, cuda, null, query.Output, banner.Output);
    }

    private static NvidiaSmiSnapshot Absent(string why, string raw) => new([], null, null, why, raw, "");

    private static string FirstLine(string text) =>
        text.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? "no output";
}
