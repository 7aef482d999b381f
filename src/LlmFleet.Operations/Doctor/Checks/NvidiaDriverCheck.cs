namespace LlmFleet.Operations.Doctor.Checks;

/// <summary>
/// The NVIDIA driver against the CUDA version the engine's build needs (Data/cuda-drivers.json): at or above the
/// toolkit's own minimum passes; between the minor-version-compatibility minimum and that, it runs with limits;
/// below, the engine's CUDA kernels cannot load.
/// </summary>
public sealed class NvidiaDriverCheck : IDoctorCheck
{
    public string Id => "nvidia-driver";

    public async Task<CheckResult> RunAsync(DoctorContext context, CancellationToken cancellationToken)
    {
        var smi = await context.NvidiaSmiAsync();
        var engine = context.Engine;
        if (!smi.HasGpus)
        {
            var fix = "Install the NVIDIA data-center driver (R580 or newer) and check that `nvidia-smi` lists the GPUs; in a " +
                "container, start it with `--gpus all` (NVIDIA Container Toolkit).";
            return engine.RequiresGpu
                ? new CheckResult(Id, CheckStatus.Fail, smi.Absent!, [$"engine: {engine.Id} needs an NVIDIA GPU"], fix)
                : new CheckResult(Id, CheckStatus.Warning, $"{smi.Absent}; {engine.Id} will run on the CPU only", [], fix);
        }
        var evidence = new List<string>
        {
            $"driver: {smi.DriverVersion ?? "unknown"}",
            $"highest CUDA the driver supports: {smi.CudaVersion ?? "not reported"}",
            $"{engine.Id} build needs CUDA {engine.Cuda}",
        };
        if (!DoctorData.TryParseDriver(smi.DriverVersion, out var driver))
        {
            return new CheckResult(Id, CheckStatus.Warning, $"could not read the driver version ('{smi.DriverVersion}')", evidence);
        }
        var toolkitMin = DoctorData.ToolkitMinDriver.GetValueOrDefault(engine.Cuda);
        var compatMin = DoctorData.MinorCompatMinDriver.GetValueOrDefault(engine.Cuda.Major);
        if (toolkitMin is not null)
        {
            evidence.Add($"CUDA {engine.Cuda} toolkit needs driver >= {toolkitMin}" + (compatMin is null ? "" : $"; CUDA {engine.Cuda.Major}.x minor-version compatibility >= {compatMin}"));
        }
        var upgrade = $"Upgrade the NVIDIA driver to {toolkitMin} or newer (e.g. the R580 long-term support branch), then reboot.";
        if (toolkitMin is null || driver >= toolkitMin)
        {
            return new CheckResult(Id, CheckStatus.Pass, $"driver {smi.DriverVersion} supports {engine.Id}'s CUDA {engine.Cuda} build", evidence);
        }
        if (compatMin is not null && driver >= compatMin)
        {
            return new CheckResult(Id, CheckStatus.Warning,
                $"driver {smi.DriverVersion} runs CUDA {engine.Cuda} only through minor-version compatibility (kernels that need PTX JIT may fail)",
                evidence, upgrade);
        }
        return new CheckResult(Id, CheckStatus.Fail,
            $"driver {smi.DriverVersion} is too old for {engine.Id}'s CUDA {engine.Cuda} build", evidence, upgrade);
    }
}
