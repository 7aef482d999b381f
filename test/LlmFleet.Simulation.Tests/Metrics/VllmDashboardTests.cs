using LlmFleet.Simulation.Tests.Hosting;

namespace LlmFleet.Simulation.Tests.Metrics;

/// <summary>
/// vLLM's own Grafana dashboard (testassets/vllm-grafana) against a loaded twin through a real Prometheus: every
/// panel's every query returns data, as it would against vLLM.
/// </summary>
public sealed class VllmDashboardTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>What Grafana puts for <c>$__rate_interval</c> here: a few scrape intervals of 1 s.</summary>
    private const string RateInterval = "10s";

    [Fact]
    public async Task OfficialDashboard_EveryPanelQuery_ReturnsDataFromALoadedTwin()
    {
        var prometheusPath = RequiresTool.OrSkip("prometheus", "prometheus");
        await using var twin = await Twins.StartAsync(speed: 20, o => o with { ReasoningParser = "none" });
        using var load = new CancellationTokenSource();
        var traffic = LoadAsync(twin, load.Token);
        await using var prometheus = await PrometheusServer.StartAsync(prometheusPath, ("vllm", new Uri(twin.BaseAddress, "metrics")));

        // Rates need two scrapes with traffic between them inside the window.
        var model = twin.ServedModelName;
        await prometheus.WaitForDataAsync($"increase(vllm:request_success_total[{RateInterval}]) > 0");
        var (queries, empty) = await prometheus.EmptyPanelQueriesAsync(await File.ReadAllTextAsync(TestPaths.Asset("vllm-grafana", "grafana.json"), Ct),
            expr => expr.Replace("$model_name", model, StringComparison.Ordinal).Replace("$__rate_interval", RateInterval, StringComparison.Ordinal));
        await load.CancelAsync();
        await traffic;

        Assert.Equal(27, queries);
        Assert.True(empty.Count == 0, "panels without data:\n" + string.Join('\n', empty));
    }

    /// <summary>Four clients asking for short answers until cancelled, so every counter and histogram moves.</summary>
    private static async Task LoadAsync(RunningTwin twin, CancellationToken stop)
    {
        using var http = Twins.Http(twin);
        var clients = Enumerable.Range(0, 4).Select(async c =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                try
                {
                    using var response = await http.SendAsync(Sse.Post("v1/chat/completions",
                        Prompts.ChatJson(Prompts.OfAbout(50 + 40 * c, salt: i), 8 + i % 24, stream: false)), stop);
                }
                catch (OperationCanceledException)
                {
                }
            }
        });
        await Task.WhenAll(clients);
    }
}
