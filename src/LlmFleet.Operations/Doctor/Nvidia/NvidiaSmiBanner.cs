using System.Text.RegularExpressions;

namespace LlmFleet.Operations.Doctor.Nvidia;

/// <summary>
/// Reads the driver version and the highest CUDA version the driver supports from plain <c>nvidia-smi</c> output:
/// "Driver Version: 580.126.09     CUDA Version: 13.0" up to the R580 drivers, "KMD Version: 610.43.02     CUDA UMD
/// Version: 13.3" from R610 on, and the "Driver Version   : …" / "CUDA Version   : …" lines of <c>nvidia-smi -q</c>.
/// </summary>
public static partial class NvidiaSmiBanner
{
    public static (string? DriverVersion, string? CudaVersion) Parse(string text)
    {
        var driver = DriverLine().Match(text);
        var cuda = CudaLine().Match(text);
        return (driver.Success ? driver.Groups["v"].Value : null, cuda.Success ? cuda.Groups["v"].Value : null);
    }

    [GeneratedRegex(@"(?:Driver|KMD) Version\s*:\s*(?<v>\d+(?:\.\d+)+)")]
    private static partial Regex DriverLine();

    [GeneratedRegex(@"CUDA (?:UMD )?Version\s*:\s*(?<v>\d+\.\d+)")]
    private static partial Regex CudaLine();
}
