using System.Runtime.InteropServices;

namespace LlmFleet.Operations.Doctor.Checks;

/// <summary>Operating system and kernel: vLLM runs on Linux only; WSL2 works with limits.</summary>
public sealed class OsCheck : IDoctorCheck
{
    public string Id => "os";

    public Task<CheckResult> RunAsync(DoctorContext context, CancellationToken cancellationToken)
    {
        var osRelease = context.Files.Read("/etc/os-release");
        var pretty = osRelease?.Split('\n').FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?[12..].Trim('"');
        var kernel = context.Files.Read("/proc/sys/kernel/osrelease")?.Trim();
        var isLinux = kernel is not null || RuntimeInformation.IsOSPlatform(OSPlatform.Linux);
        string[] evidence = [$"os: {pretty ?? RuntimeInformation.OSDescription}", $"kernel: {kernel ?? "unknown"}", $"architecture: {RuntimeInformation.OSArchitecture}"];
        if (!isLinux && context.Engine.RequiresLinux)
        {
            return Task.FromResult(new CheckResult(Id, CheckStatus.Fail, $"{context.Engine.Id} runs on Linux only, this is {RuntimeInformation.OSDescription}",
                evidence, "Run on a Linux host, or under WSL2 on Windows."));
        }
        if (kernel?.Contains("microsoft", StringComparison.OrdinalIgnoreCase) == true)
        {
            return Task.FromResult(new CheckResult(Id, CheckStatus.Warning, $"WSL2 ({kernel}): works, but pinned memory and multi-GPU are limited",
                evidence, "For production serving use a native Linux host."));
        }
        return Task.FromResult(CheckResult.Pass(Id, $"{pretty ?? "Linux"}, kernel {kernel ?? "unknown"}", evidence));
    }
}
