using LlmFleet.Operations.Doctor.Checks;

namespace LlmFleet.Operations.Doctor;

/// <summary>Runs every check in a fixed order; a check that throws becomes a warning, never a crash of doctor.</summary>
public static class DoctorRunner
{
    /// <summary>Host first, then GPUs, then software, then what the model needs.</summary>
    public static IReadOnlyList<IDoctorCheck> AllChecks { get; } =
    [
        new OsCheck(),
        new NvidiaDriverCheck(),
        new GpuCheck(),
        new PythonVersionCheck(),
        new PythonPackagesCheck(),
        new SystemMemoryCheck(),
        new DiskSpaceCheck(),
        new SharedMemoryCheck(),
        new OpenFilesCheck(),
        new ModelFitCheck(),
    ];

    public static async Task<DoctorReport> RunAsync(DoctorContext context, CancellationToken cancellationToken = default)
    {
        var results = new List<CheckResult>();
        foreach (var check in AllChecks)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                results.Add(await check.RunAsync(context, cancellationToken));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                results.Add(new CheckResult(check.Id, CheckStatus.Warning, $"the check could not run: {e.Message}", [e.GetType().Name]));
            }
        }
        return new DoctorReport(results);
    }
}
