using LlmFleet.Monitoring.Diagnosis;

namespace LlmFleet.Monitoring.Tests.Diagnosis;

/// <summary>The symptoms twins cannot show by fault injection (host memory, disk, a server that never started),
/// over fleet snapshots built by hand.</summary>
public sealed class DiagnosisRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    private static FleetSnapshot Fleet(params BackendView[] backends) => new(Now, 60, [new ModelView("glm-5.2", [], "least-load", backends)]);

    private static BackendView Up(int id) => new(id, $"10.0.0.{id}:8000", $"http://10.0.0.{id}:8000/", "up") { ScrapeAgeSeconds = 0.5, KvCacheUsageFraction = 0.3, Waiting = 0, Running = 4 };

    [Fact]
    public void Run_HealthyFleet_FindsNothing()
    {
        var report = DiagnosisRules.Run(Fleet(Up(1), Up(2)));

        Assert.True(report.Healthy);
        Assert.Equal(2, report.BackendsChecked);
    }

    [Fact]
    public void Run_NeverAnswered_PointsAtDriverCudaMismatch()
    {
        var report = DiagnosisRules.Run(Fleet(Up(1), new BackendView(2, "10.0.0.2:8000", "http://10.0.0.2:8000/", "down")));

        var finding = Assert.Single(report.Findings);
        Assert.Equal("never_started", finding.Rule);
        Assert.Contains("driver/CUDA mismatch", finding.LikelyCause);
        Assert.Contains("llmfleet doctor", finding.Fix);
    }

    [Fact]
    public void Run_HostMemoryLowAndDiskSaturated_NamesBoth()
    {
        var strained = Up(1) with
        {
            Host = new HostView(2e12, 1e11, 3e9, 0, 0.97),
            ModelLoadSeconds = 900,
        };

        var rules = DiagnosisRules.Run(Fleet(strained)).Findings.Select(f => f.Rule).ToArray();

        Assert.Contains("system_memory_pressure", rules);
        Assert.Contains("disk_io_bottleneck", rules);
    }

    [Fact]
    public void Run_GpuMemoryFull_IsCriticalAndListedFirst()
    {
        var full = Up(2) with { Gpus = new GpuView(8, 90, 8 * 140_000_000_000L, 8 * 143_000_000_000L, 0.98, 70, 5000, []), Waiting = 9 };

        var report = DiagnosisRules.Run(Fleet(Up(1), full));

        Assert.Equal("gpu_memory_exhaustion", report.Findings[0].Rule);
        Assert.Equal("critical", report.Findings[0].Severity);
        Assert.Contains(report.Findings, f => f.Rule == "too_many_concurrent_requests");
    }
}
