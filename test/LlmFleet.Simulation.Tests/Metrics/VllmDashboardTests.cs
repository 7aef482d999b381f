using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
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
        await using var prometheus = await Prometheus.StartAsync(prometheusPath, twin.BaseAddress);

        // Rates need two scrapes with traffic between them inside the window.
        var model = twin.ServedModelName;
        for (var i = 0; i < 60 && (await prometheus.QueryAsync($"increase(vllm:request_success_total[{RateInterval}]) > 0")).Count == 0; i++)
        {
            await Task.Delay(500, Ct);
        }

        var empty = new List<string>();
        using var dashboard = JsonDocument.Parse(await File.ReadAllTextAsync(TestPaths.Asset("vllm-grafana", "grafana.json"), Ct));
        var queries = 0;
        foreach (var panel in dashboard.RootElement.GetProperty("panels").EnumerateArray())
        {
            foreach (var target in panel.GetProperty("targets").EnumerateArray())
            {
                var expr = target.GetProperty("expr").GetString()!
                    .Replace("$model_name", model, StringComparison.Ordinal)
                    .Replace("$__rate_interval", RateInterval, StringComparison.Ordinal);
                queries++;
                if ((await prometheus.QueryAsync(expr)).Count == 0)
                {
                    empty.Add($"{panel.GetProperty("title").GetString()} / {target.GetProperty("refId").GetString()}: {expr}");
                }
            }
        }
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

    /// <summary>A real Prometheus scraping one target every second, in a temporary folder, stopped on dispose.</summary>
    private sealed class Prometheus : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly string _dir;
        private readonly HttpClient _http;

        private Prometheus(Process process, string dir, Uri api)
        {
            _process = process;
            _dir = dir;
            _http = new HttpClient { BaseAddress = api, Timeout = TimeSpan.FromSeconds(10) };
        }

        public static async Task<Prometheus> StartAsync(string path, Uri target)
        {
            var dir = TestPaths.NewTempDirectory("llmfleet-prometheus");
            var config = Path.Combine(dir, "prometheus.yml");
            await File.WriteAllTextAsync(config, $"""
                global:
                  scrape_interval: 1s
                scrape_configs:
                  - job_name: vllm
                    static_configs:
                      - targets: ["{target.Authority}"]
                """, Ct);
            var port = FreePort();
            var start = new ProcessStartInfo(path)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var arg in new[] { $"--config.file={config}", $"--storage.tsdb.path={Path.Combine(dir, "data")}", $"--web.listen-address=127.0.0.1:{port}" })
            {
                start.ArgumentList.Add(arg);
            }
            var process = Process.Start(start)!;
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var prometheus = new Prometheus(process, dir, new Uri($"http://127.0.0.1:{port}/"));
            for (var i = 0; i < 100; i++)
            {
                try
                {
                    if ((await prometheus._http.GetAsync("-/ready", Ct)).StatusCode == HttpStatusCode.OK)
                    {
                        return prometheus;
                    }
                }
                catch (HttpRequestException)
                {
                }
                await Task.Delay(200, Ct);
            }
            await prometheus.DisposeAsync();
            throw new InvalidOperationException("Prometheus did not become ready");
        }

        /// <summary>The instant vector or scalar an expression returns now (empty when there is no data).</summary>
        public async Task<List<JsonElement>> QueryAsync(string expr)
        {
            var json = await _http.GetStringAsync("api/v1/query?query=" + Uri.EscapeDataString(expr), Ct);
            using var body = JsonDocument.Parse(json);
            Assert.Equal("success", body.RootElement.GetProperty("status").GetString());
            var result = body.RootElement.GetProperty("data").GetProperty("result");
            return result.ValueKind == JsonValueKind.Array ? [.. result.EnumerateArray().Select(e => e.Clone())] : [result.Clone()];
        }

        public async ValueTask DisposeAsync()
        {
            _http.Dispose();
            if (!_process.HasExited)
            {
                _process.Kill();
                await _process.WaitForExitAsync();
            }
            _process.Dispose();
            Directory.Delete(_dir, recursive: true);
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}
