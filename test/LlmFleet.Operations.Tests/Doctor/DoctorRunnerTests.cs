using LlmFleet.Operations.Doctor;
using LlmFleet.Operations.Doctor.Host;

namespace LlmFleet.Operations.Tests.Doctor;

/// <summary>The doctor's checks on replayed nvidia-smi output and on this machine's real files and Python.</summary>
public sealed class DoctorRunnerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A host root holding files as a real machine has them (recorded from a Debian 12 VM).</summary>
    private static HostFiles RecordedHost(string openFilesLine = "Max open files            20000                20000                files     ")
    {
        var root = TestPaths.NewTempDirectory("llmfleet-host");
        void Put(string path, string text)
        {
            var full = Path.Combine(root, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, text);
        }
        Put("etc/os-release", "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\n");
        Put("proc/sys/kernel/osrelease", "6.18.44-fc-v595\n");
        Put("proc/meminfo", "MemTotal:       24684096 kB\nMemFree:        21307204 kB\nMemAvailable:   22961432 kB\nSwapTotal:             0 kB\nSwapFree:              0 kB\n");
        Put("proc/self/limits", "Limit                     Soft Limit           Hard Limit           Units     \n" +
            "Max processes             unlimited            unlimited            processes \n" + openFilesLine + "\n");
        Directory.CreateDirectory(Path.Combine(root, "dev", "shm"));
        return new HostFiles(root);
    }

    private static async Task<DoctorReport> Run(ICommandRunner commands, DoctorOptions? options = null, HostFiles? files = null) =>
        await DoctorRunner.RunAsync(new DoctorContext(options ?? new DoctorOptions(), commands, files ?? RecordedHost()), Ct);

    private static CheckResult Check(DoctorReport report, string id) => report.Checks.Single(c => c.Check == id);

    [Fact]
    public async Task RunAsync_NoNvidiaSmi_FailsDriverCheckAndSkipsGpuChecks()
    {
        var report = await Run(new ReplayCommands());
        var driver = Check(report, "nvidia-driver");
        Assert.Equal(CheckStatus.Fail, driver.Status);
        Assert.Contains("no NVIDIA driver found", driver.Summary);
        Assert.NotNull(driver.Fix);
        Assert.Equal(CheckStatus.Skipped, Check(report, "gpus").Status);
        Assert.Contains("gpus", report.SkippedChecks);
        Assert.Contains("model-fit", report.SkippedChecks);
        Assert.False(report.Ok);
        Assert.Equal(DoctorRunner.AllChecks.Count, report.Checks.Count);
    }

    [Fact]
    public async Task RunAsync_NoNvidiaSmiForLlamaCpp_OnlyWarns()
    {
        var report = await Run(new ReplayCommands(), new DoctorOptions(Engine: "llama.cpp"));
        Assert.Equal(CheckStatus.Warning, Check(report, "nvidia-driver").Status);
        Assert.Equal(CheckStatus.Skipped, Check(report, "python").Status);
        Assert.Equal(CheckStatus.Skipped, Check(report, "python-packages").Status);
        Assert.True(report.Ok);
    }

    [Fact]
    public async Task RunAsync_DriverNotLoaded_QuotesNvidiaSmi()
    {
        var message = File.ReadAllText(TestPaths.Asset("nvidia-smi", "no-driver.txt"));
        var commands = new ReplayCommands().Record("nvidia-smi --query-gpu", new CommandResult(9, message, ""));
        var driver = Check(await Run(commands), "nvidia-driver");
        Assert.Equal(CheckStatus.Fail, driver.Status);
        Assert.Contains("exit code 9", driver.Summary);
        Assert.Contains("couldn't communicate with the NVIDIA driver", driver.Summary);
    }

    [Theory]
    [InlineData("h100-580-compute-cap.csv", "a100-580-banner.txt", CheckStatus.Pass)] // 580.82.07 >= 575.51.03 (CUDA 12.9)
    [InlineData("l40s-575-clocks.csv", null, CheckStatus.Pass)] // 575.51.03 is exactly CUDA 12.9's minimum
    [InlineData("rtx3090-535-nounits.csv", null, CheckStatus.Warning)] // 535 runs 12.9 only by minor-version compatibility
    public async Task RunAsync_DriverVersions_ComparedWithVllmsCudaBuild(string csv, string? banner, CheckStatus expected)
    {
        var driver = Check(await Run(new ReplayCommands().NvidiaSmi(csv, banner)), "nvidia-driver");
        Assert.Equal(expected, driver.Status);
        Assert.Contains(driver.Evidence, e => e.Contains("vllm build needs CUDA 12.9"));
    }

    [Fact]
    public async Task RunAsync_DriverOlderThanMinorCompatibility_Fails()
    {
        var csv = "name, driver_version, memory.total [MiB]\nTITAN Xp, 450.57, 12196 MiB\n";
        var driver = Check(await Run(new ReplayCommands().NvidiaSmiCsv(csv, File.ReadAllText(TestPaths.Asset("nvidia-smi", "titanxp-450-banner.txt")))), "nvidia-driver");
        Assert.Equal(CheckStatus.Fail, driver.Status);
        Assert.Contains("too old", driver.Summary);
        Assert.Contains("575.51.3", driver.Fix);
    }

    [Fact]
    public async Task RunAsync_HealthyGpus_PassWithEvidencePerGpu()
    {
        var gpus = Check(await Run(new ReplayCommands().NvidiaSmi("gtx1080ti-580-free.csv")), "gpus");
        Assert.Equal(CheckStatus.Pass, gpus.Status);
        Assert.Contains("1 × NVIDIA GeForce GTX 1080 Ti", gpus.Summary);
        Assert.Contains(gpus.Evidence, e => e.Contains("11,261 MiB free of 11,264 MiB"));
    }

    [Fact]
    public async Task RunAsync_GpuMemoryHeldPersistenceOffNarrowLink_FailsAndWarns()
    {
        // The columns doctor queries, in nvidia-smi's CSV format, for a busy and badly seated H100.
        var csv = "index, name, driver_version, memory.total [MiB], memory.free [MiB], ecc.mode.current, persistence_mode, " +
            "pcie.link.gen.current, pcie.link.gen.max, pcie.link.width.current, pcie.link.width.max\n" +
            "0, NVIDIA H100 80GB HBM3, 580.82.07, 81559 MiB, 40000 MiB, Enabled, Disabled, 5, 5, 8, 16\n";
        var gpus = Check(await Run(new ReplayCommands().NvidiaSmiCsv(csv)), "gpus");
        Assert.Equal(CheckStatus.Fail, gpus.Status);
        Assert.Contains("only 49 % of its memory free", gpus.Summary);
        Assert.Contains("persistence mode is off", gpus.Summary);
        Assert.Contains("x8 of x16", gpus.Summary);
        Assert.Contains("nvidia-smi -pm 1", gpus.Fix);
    }

    [Fact]
    public async Task RunAsync_PythonMissing_FailsWithClearMessage()
    {
        var report = await Run(new ReplayCommands());
        var python = Check(report, "python");
        Assert.Equal(CheckStatus.Fail, python.Status);
        Assert.Contains("python3 is not installed", python.Summary);
        Assert.Equal(CheckStatus.Skipped, Check(report, "python-packages").Status);
    }

    [Fact]
    public async Task RunAsync_RealPython_ReportsVersionAndPackages()
    {
        RequiresTool.OrSkip("python3", "python3");
        var report = await Run(new ReplayCommands(runOthers: true).Record("nvidia-smi", CommandResult.Missing("nvidia-smi")));
        var python = Check(report, "python");
        Assert.NotEqual(CheckStatus.Skipped, python.Status);
        Assert.Contains(python.Evidence, e => e.StartsWith("python3: 3.", StringComparison.Ordinal));
        var packages = Check(report, "python-packages");
        Assert.Contains(packages.Evidence, e => e.StartsWith("vllm: ", StringComparison.Ordinal));
        Assert.Contains(packages.Evidence, e => e.StartsWith("transformers: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_OpenFileLimit1024_WarnsWithUlimitFix()
    {
        var files = RecordedHost("Max open files            1024                 1048576              files     ");
        var check = Check(await Run(new ReplayCommands(), files: files), "open-files");
        Assert.Equal(CheckStatus.Warning, check.Status);
        Assert.Contains("ulimit -n 65536", check.Fix);
    }

    [Fact]
    public async Task RunAsync_RecordedHost_ReadsOsMemoryAndLimits()
    {
        var report = await Run(new ReplayCommands());
        Assert.Equal("Debian GNU/Linux 12 (bookworm), kernel 6.18.44-fc-v595", Check(report, "os").Summary);
        Assert.Contains(Check(report, "system-memory").Evidence, e => e == "RAM: 25.3 GB total, 23.5 GB available");
        Assert.Equal(["open files: soft limit 20000, hard limit 20000"], Check(report, "open-files").Evidence);
        Assert.Contains("limits.conf", Check(report, "open-files").Fix); // the hard limit is below 65536 too
        Assert.Equal(CheckStatus.Pass, Check(report, "disk-space").Status);
    }

    [Fact]
    public void Context_UnknownEngine_NamesTheKnownOnes()
    {
        var e = Assert.Throws<ArgumentException>(() => new DoctorContext(new DoctorOptions(Engine: "tgi"), new ReplayCommands(), RecordedHost()));
        Assert.Contains("vllm", e.Message);
        Assert.Contains("llama.cpp", e.Message);
    }
}
