using LlmFleet.Gateway.Tests.Functional;
using LlmFleet.Monitoring.Export;
using LlmFleet.Simulation;

namespace LlmFleet.Gateway.Tests.Monitoring.Export;

/// <summary>
/// The Grafana dashboard <c>llmfleet alerts export</c> writes, against a loaded fleet through a real Prometheus that
/// scrapes what a team's Prometheus would: each twin's vLLM <c>/metrics</c>, its DCGM and node exporters, and the
/// gateway. Every panel's every query returns data.
/// </summary>
public sealed class ExportedDashboardTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ExportedDashboard_EveryPanelQuery_ReturnsDataFromALoadedFleet()
    {
        var prometheusPath = RequiresTool.OrSkip("prometheus", "prometheus");
        await using var fleet = await new FleetBuilder().Twins(2, speed: 20).StartAsync();
        // Some 5xx, so the error-rate panel has a numerator (a 500 is not retried).
        await fleet.Twins[1].SetFaultsAsync(new FaultOptions { ErrorRate = 0.2, ErrorStatus = 500 });
        using var load = new CancellationTokenSource();
        var traffic = LoadAsync(fleet, load.Token);
        (string, Uri)[] targets =
        [
            ("gateway", new Uri(fleet.Gateway.BaseAddress, "metrics")),
            .. fleet.Twins.SelectMany(t => new[] { ("vllm", new Uri(t.BaseAddress, "metrics")), ("dcgm", t.DcgmExporter), ("node", t.NodeExporter) }),
        ];
        await using var prometheus = await PrometheusServer.StartAsync(prometheusPath, targets);

        // The panels' rates look back one minute and need two scrapes with traffic between them.
        await prometheus.WaitForDataAsync("sum(rate(llmfleet_gateway_requests_total{status=~\"5..\"}[1m])) > 0");
        await prometheus.WaitForDataAsync("sum(rate(vllm:generation_tokens_total[1m])) > 0");
        var (queries, empty) = await prometheus.EmptyPanelQueriesAsync(GrafanaDashboard.Write(), expr => expr);
        await load.CancelAsync();
        await traffic;

        Assert.True(queries >= 12, $"{queries} queries");
        Assert.True(empty.Count == 0, "panels without data:\n" + string.Join('\n', empty));
    }

    /// <summary>Four clients through the gateway until cancelled.</summary>
    private static async Task LoadAsync(RunningFleet fleet, CancellationToken stop)
    {
        var clients = Enumerable.Range(0, 4).Select(async c =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                try
                {
                    using var response = await fleet.Client.PostAsync("v1/chat/completions",
                        TestFleet.Json(TestFleet.ChatJson(maxTokens: 8 + (i + c) % 24)), stop);
                }
                catch (OperationCanceledException)
                {
                }
            }
        });
        await Task.WhenAll(clients);
    }
}
