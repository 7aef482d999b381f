using LlmFleet.Operations.Doctor;
using LlmFleet.Operations.Doctor.Host;

namespace LlmFleet.Operations.Tests.Doctor;

/// <summary>The checks that ask the planner: fit on the GPUs found, RAM for offload, disk for the weights.</summary>
public sealed class ModelNeedsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static HostFiles Host()
    {
        var root = TestPaths.NewTempDirectory("llmfleet-host");
        Directory.CreateDirectory(Path.Combine(root, "proc"));
        File.WriteAllText(Path.Combine(root, "proc", "meminfo"), "MemTotal:       24684096 kB\nMemAvailable:   22961432 kB\nSwapTotal:             0 kB\nSwapFree:              0 kB\n");
        return new HostFiles(root);
    }

    private static async Task<DoctorReport> Run(ReplayCommands commands, string model, string quant, string? modelDir = null) =>
        await DoctorRunner.RunAsync(new DoctorContext(new DoctorOptions(model, quant, ModelDir: modelDir ?? TestPaths.NewTempDirectory()), commands, Host()), Ct);

    private static CheckResult Check(DoctorReport report, string id) => report.Checks.Single(c => c.Check == id);

    [Fact]
    public async Task ModelFit_SmallModelOnH100_PassesWithLaunchCommand()
    {
        var report = await Run(new ReplayCommands().NvidiaSmi("h100-580-compute-cap.csv"), "llama-3.1-8b", "bf16");
        var fit = Check(report, "model-fit");
        Assert.Equal(CheckStatus.Pass, fit.Status);
        Assert.Contains("fits on 1 × h100", fit.Summary);
        Assert.Contains(fit.Evidence, e => e.StartsWith("start it with: vllm serve", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ModelFit_Glm52Fp8OnOneH100_FailsWithShortfall()
    {
        var report = await Run(new ReplayCommands().NvidiaSmi("h100-580-compute-cap.csv"), "glm-5.2", "fp8");
        var fit = Check(report, "model-fit");
        Assert.Equal(CheckStatus.Fail, fit.Status);
        Assert.Contains("does not fit on 1 × h100", fit.Summary);
        Assert.NotNull(fit.Fix);
        Assert.False(report.Ok);
    }

    [Fact]
    public async Task DiskSpace_Glm52Fp8OnSmallVolume_ComparesWithWeightsPlusHeadroom()
    {
        var report = await Run(new ReplayCommands().NvidiaSmi("h100-580-compute-cap.csv"), "glm-5.2", "fp8");
        var disk = Check(report, "disk-space");
        var free = new DriveInfo(Path.GetTempPath()).AvailableFreeSpace;
        Assert.Equal(free > 800e9 ? CheckStatus.Pass : CheckStatus.Fail, disk.Status);
        Assert.Contains(disk.Evidence, e => e.Contains("glm-5.2") && e.Contains("10 % headroom"));
    }

    [Fact]
    public async Task SystemMemory_Glm52Fp8_NeedsMoreThanThisHostHas()
    {
        var report = await Run(new ReplayCommands().NvidiaSmi("h100-580-compute-cap.csv"), "glm-5.2", "fp8");
        var memory = Check(report, "system-memory");
        Assert.Contains(memory.Evidence, e => e.Contains("of weights in RAM"));
    }

    [Fact]
    public async Task ModelFit_NoGpu_SkipsFitButStillSizesDisk()
    {
        var report = await Run(new ReplayCommands(), "llama-3.1-8b", "bf16");
        var fit = Check(report, "model-fit");
        Assert.Equal(CheckStatus.Skipped, fit.Status);
        Assert.Contains("no NVIDIA driver found", fit.Summary);
        Assert.Contains(Check(report, "disk-space").Evidence, e => e.Contains("llama-3.1-8b"));
    }

    [Fact]
    public async Task ModelFit_UncataloguedGpu_SaysWhy()
    {
        var report = await Run(new ReplayCommands().NvidiaSmi("gtx1080ti-580-free.csv"), "llama-3.1-8b", "bf16");
        var fit = Check(report, "model-fit");
        Assert.Equal(CheckStatus.Skipped, fit.Status);
        Assert.Contains("'NVIDIA GeForce GTX 1080 Ti' is not in the hardware catalog", fit.Summary);
    }

    [Fact]
    public void HardwareIdFor_NvidiaSmiNames_MapToCatalogIds()
    {
        Assert.Equal("h100", DoctorData.HardwareIdFor("NVIDIA H100 80GB HBM3"));
        Assert.Equal("l40s", DoctorData.HardwareIdFor("NVIDIA L40S"));
        Assert.Equal("b200", DoctorData.HardwareIdFor("NVIDIA B200"));
        Assert.Null(DoctorData.HardwareIdFor("NVIDIA L40"));
        foreach (var (_, id) in DoctorData.GpuNames)
        {
            Assert.True(LlmFleet.Catalog.Hardware.HardwareCatalog.Default.TryGet(id, out _), $"{id} is not in the hardware catalog");
        }
    }
}
