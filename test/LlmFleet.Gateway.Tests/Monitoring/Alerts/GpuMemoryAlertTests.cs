using LlmFleet.Monitoring.Alerts;

namespace LlmFleet.Gateway.Tests.Monitoring.Alerts;

/// <summary>GPU memory from the (simulated) DCGM exporter: a server launched with too high a
/// <c>--gpu-memory-utilization</c> leaves no headroom, and the alert says so.</summary>
public sealed class GpuMemoryAlertTests
{
    [Fact]
    public async Task GpuMemory_UtilizationSetTo097_Fires()
    {
        await using var fleet = await MonitoredFleet.StartAsync([MonitoredFleet.Twin(), MonitoredFleet.Twin(o => o with { GpuMemoryUtilization = 0.97 })]);

        var alert = await fleet.WaitForAlertAsync(AlertRules.GpuMemory.Name, 2);
        var snapshot = await fleet.FleetAsync();

        Assert.Contains("GPU memory", alert.Evidence);
        Assert.DoesNotContain(snapshot.Alerts, a => a.Rule == "gpu_memory_high" && a.BackendId == 1);
        var gpus = snapshot.AllBackends().Single(b => b.Id == 1).Gpus!;
        Assert.Equal(8, gpus.Count);
        Assert.InRange(gpus.MaxMemoryUsedFraction, 0.9, 0.92);
    }
}
