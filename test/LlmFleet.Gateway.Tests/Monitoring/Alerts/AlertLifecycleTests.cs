using LlmFleet.Monitoring.Alerts;
using LlmFleet.Monitoring.Diagnosis;
using LlmFleet.Simulation;

namespace LlmFleet.Gateway.Tests.Monitoring.Alerts;

/// <summary>
/// Each fault a twin can show, injected through its fault API while the gateway watches: the matching alert fires
/// (in <c>/admin/alerts</c>, the webhook and <c>/admin/fleet</c>), <c>diagnose</c> names the cause, and once the fault
/// is gone the alert resolves.
/// </summary>
public sealed class AlertLifecycleTests
{
    [Fact]
    public async Task BackendDown_UnhealthyFault_FiresThenResolves()
    {
        await using var fleet = await MonitoredFleet.StartAsync([MonitoredFleet.Twin(), MonitoredFleet.Twin()]);
        await fleet.WaitForFleetAsync(f => f.AllBackends().All(b => b.Status == "up"), "both backends up");

        await fleet.InjectAsync(1, new FaultOptions { Unhealthy = true });
        var alert = await fleet.WaitForAlertAsync(AlertRules.BackendDown.Name, 2);
        var fleetNow = await fleet.FleetAsync();

        Assert.Equal("critical", alert.Severity);
        Assert.Equal("down", fleetNow.AllBackends().Single(b => b.Id == 2).Status);
        Assert.Equal("up", fleetNow.AllBackends().Single(b => b.Id == 1).Status);
        Assert.Contains(fleetNow.Alerts, a => a.Rule == "backend_down" && a.BackendId == 2);
        var diagnosis = DiagnosisRules.Run(fleetNow);
        Assert.Contains(diagnosis.Findings, f => f.Rule == "backend_down" && f.BackendId == 2);
        await Poll.UntilAsync(() => Task.FromResult(fleet.Webhook.Got("firing", "backend_down", alert.Backend)), RunningFleet.Patience, "the webhook to get the firing alert");

        await fleet.InjectAsync(1, FaultOptions.None);
        var resolved = await fleet.WaitForResolvedAsync(AlertRules.BackendDown.Name, 2);

        Assert.NotNull(resolved.EndsAt);
        await Poll.UntilAsync(() => Task.FromResult(fleet.Webhook.Got("resolved", "backend_down", alert.Backend)), RunningFleet.Patience, "the webhook to get the resolution");
        Assert.Equal("up", (await fleet.FleetAsync()).AllBackends().Single(b => b.Id == 2).Status);
    }

    [Fact]
    public async Task ErrorRate_ErrorFault_FiresThenResolves()
    {
        await using var fleet = await MonitoredFleet.StartAsync([MonitoredFleet.Twin()]);
        await fleet.WaitForFleetAsync(f => f.AllBackends().All(b => b.Status == "up"), "backend up");

        await fleet.InjectAsync(0, new FaultOptions { ErrorRate = 1.0, ErrorStatus = 500 });
        await fleet.LoadAsync(count: 6, concurrency: 1);
        var alert = await fleet.WaitForAlertAsync(AlertRules.ErrorRate.Name, 1);
        var snapshot = await fleet.FleetAsync();

        Assert.Contains("attempts failed", alert.Evidence);
        Assert.True(snapshot.AllBackends().Single().ErrorFraction > 0.5);
        Assert.Contains(DiagnosisRules.Run(snapshot).Findings, f => f.Rule == "errors" && f.BackendId == 1);

        await fleet.InjectAsync(0, FaultOptions.None);
        await Poll.UntilAsync(async () =>
        {
            // Fresh successes push the failures out of the 2 s window.
            using var ok = await fleet.ChatAsync();
            return (await fleet.AlertsAsync()).RecentlyResolved.Any(a => a.Rule == "error_rate");
        }, RunningFleet.Patience, "error_rate to resolve");
        Assert.Equal(0, (await fleet.FleetAsync()).AllBackends().Single().ErrorFraction);
    }

    [Fact]
    public async Task KvPressure_SmallKvCache_FiresKvAndPreemptionAlerts_DiagnoseNamesBatchSettings()
    {
        // 1024 tokens of KV for 8 requests of ~420 tokens each: the scheduler must preempt.
        var twin = MonitoredFleet.Twin(o => o with { KvCacheTokens = 1024, MaxModelLen = 1024, StepTimeModel = new FixedStepTime(TimeSpan.FromMilliseconds(10)) });
        await using var fleet = await MonitoredFleet.StartAsync([twin]);
        await fleet.WaitForFleetAsync(f => f.AllBackends().All(b => b.Status == "up"), "backend up");

        var load = fleet.LoadAsync(count: 8, concurrency: 8, maxTokens: 400, content: string.Join(' ', Enumerable.Repeat("context", 20)));
        var kv = await fleet.WaitForAlertAsync(AlertRules.KvCachePressure.Name, 1);
        var preempt = await fleet.WaitForAlertAsync(AlertRules.Preemptions.Name, 1);
        // The two alerts fire at different scrapes; diagnose needs both signals in one snapshot while the load runs.
        var snapshot = await fleet.WaitForFleetAsync(
            f => DiagnosisRules.Run(f).Findings.Any(x => x.Rule == "kv_cache_exhausted"), "a snapshot with preemptions and a full KV cache");
        var finding = DiagnosisRules.Run(snapshot).Findings.FirstOrDefault(f => f.Rule == "kv_cache_exhausted");

        Assert.Contains("KV cache", kv.Evidence);
        Assert.Contains("preemptions", preempt.Evidence);
        Assert.NotNull(finding);
        Assert.Contains("--max-num-seqs", finding.Fix);
        Assert.All(await load, s => Assert.Equal(200, s));
        await fleet.WaitForResolvedAsync(AlertRules.KvCachePressure.Name, 1);
        await fleet.WaitForResolvedAsync(AlertRules.Preemptions.Name, 1);
    }

    [Fact]
    public async Task TtftP95_SlowFault_FiresOnTheSlowBackendOnly_DiagnoseNamesIt()
    {
        await using var fleet = await MonitoredFleet.StartAsync([MonitoredFleet.Twin(), MonitoredFleet.Twin()],
            m => MonitoredFleet.WithThreshold(m, AlertRules.TtftP95, 0.1));
        await fleet.WaitForFleetAsync(f => f.AllBackends().All(b => b.Status == "up"), "both backends up");

        await fleet.InjectAsync(1, new FaultOptions { Slow = 40.0 });
        var load = fleet.LoadAsync(count: 16, concurrency: 2, maxTokens: 6);
        var alert = await fleet.WaitForAlertAsync(AlertRules.TtftP95.Name, 2);
        await load;
        var snapshot = await fleet.FleetAsync();

        Assert.DoesNotContain(snapshot.Alerts, a => a.Rule == "ttft_p95_high" && a.BackendId == 1);
        Assert.True(snapshot.AllBackends().Single(b => b.Id == 2).TtftP95Seconds > snapshot.AllBackends().Single(b => b.Id == 1).TtftP95Seconds);
        Assert.Contains(DiagnosisRules.Run(snapshot).Findings, f => f.Rule == "slow_backend" && f.BackendId == 2);
        Assert.Contains("TTFT p95", alert.Evidence);

        await fleet.InjectAsync(1, FaultOptions.None);
        await fleet.WaitForResolvedAsync(AlertRules.TtftP95.Name, 2);
    }

    [Fact]
    public async Task QueueBacklog_MoreRequestsThanMaxNumSeqs_Fires_DiagnoseNamesConcurrency()
    {
        var twin = MonitoredFleet.Twin(o => o with { MaxNumSeqs = 1, StepTimeModel = new FixedStepTime(TimeSpan.FromMilliseconds(20)) });
        await using var fleet = await MonitoredFleet.StartAsync([twin]);
        await fleet.WaitForFleetAsync(f => f.AllBackends().All(b => b.Status == "up"), "backend up");

        var load = fleet.LoadAsync(count: 10, concurrency: 10, maxTokens: 60);
        var alert = await fleet.WaitForAlertAsync(AlertRules.QueueBacklog.Name, 1);
        var snapshot = await fleet.FleetAsync();

        Assert.Contains("waiting", alert.Evidence);
        Assert.Contains(DiagnosisRules.Run(snapshot).Findings, f => f.Rule == "too_many_concurrent_requests");
        await load;
        await fleet.WaitForResolvedAsync(AlertRules.QueueBacklog.Name, 1);
    }
}
