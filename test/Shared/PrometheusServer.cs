using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace LlmFleet.Testing;

/// <summary>A real Prometheus (Debian's <c>prometheus</c>) scraping its targets every second, in a temporary folder,
/// stopped on dispose.</summary>
internal sealed class PrometheusServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _dir;
    private readonly HttpClient _http;

    private PrometheusServer(Process process, string dir, Uri api)
    {
        _process = process;
        _dir = dir;
        _http = new HttpClient { BaseAddress = api, Timeout = TimeSpan.FromSeconds(10) };
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Starts Prometheus at <paramref name="path"/> scraping each target (job name, URL of its metrics page);
    /// several targets may share a job name.</summary>
    public static async Task<PrometheusServer> StartAsync(string path, params (string Job, Uri Metrics)[] targets)
    {
        var dir = TestPaths.NewTempDirectory("llmfleet-prometheus");
        var config = new StringBuilder("global:\n  scrape_interval: 1s\nscrape_configs:\n");
        for (var i = 0; i < targets.Length; i++)
        {
            // Job names must be unique in a scrape configuration; the job label keeps the shared name.
            var (job, metrics) = targets[i];
            config.Append($"  - job_name: {job}-{i}\n    metrics_path: {metrics.AbsolutePath}\n    static_configs:\n      - targets: [\"{metrics.Authority}\"]\n        labels: {{ job: {job} }}\n");
        }
        var configPath = Path.Combine(dir, "prometheus.yml");
        await File.WriteAllTextAsync(configPath, config.ToString(), Ct);
        var port = FreePort();
        var start = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { $"--config.file={configPath}", $"--storage.tsdb.path={Path.Combine(dir, "data")}", $"--web.listen-address=127.0.0.1:{port}" })
        {
            start.ArgumentList.Add(arg);
        }
        var process = Process.Start(start)!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var prometheus = new PrometheusServer(process, dir, new Uri($"http://127.0.0.1:{port}/"));
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

    /// <summary>Waits (up to 30 s) until <paramref name="expr"/> returns data.</summary>
    public async Task WaitForDataAsync(string expr)
    {
        for (var i = 0; i < 60 && (await QueryAsync(expr)).Count == 0; i++)
        {
            await Task.Delay(500, Ct);
        }
    }

    /// <summary>Each panel's queries of a Grafana dashboard JSON, with <paramref name="substitute"/> applied, that
    /// still return no data after 30 s of asking again ("panel / refId: expr"); and how many queries there were.
    /// Asking again matters because Prometheus spreads its targets' first scrapes over the interval, so a rate over
    /// one exporter may need a scrape more than a rate over another.</summary>
    public async Task<(int Queries, List<string> Empty)> EmptyPanelQueriesAsync(string dashboardJson, Func<string, string> substitute)
    {
        using var dashboard = JsonDocument.Parse(dashboardJson);
        var pending = new List<(string Label, string Expr)>();
        foreach (var panel in dashboard.RootElement.GetProperty("panels").EnumerateArray())
        {
            if (!panel.TryGetProperty("targets", out var targets))
            {
                continue; // a row or a text panel
            }
            foreach (var target in targets.EnumerateArray())
            {
                var expr = substitute(target.GetProperty("expr").GetString()!);
                pending.Add(($"{panel.GetProperty("title").GetString()} / {target.GetProperty("refId").GetString()}: {expr}", expr));
            }
        }
        var queries = pending.Count;
        for (var attempt = 0; pending.Count > 0 && attempt < 60; attempt++)
        {
            if (attempt > 0)
            {
                await Task.Delay(500, Ct);
            }
            var stillEmpty = new List<(string Label, string Expr)>();
            foreach (var query in pending)
            {
                if ((await QueryAsync(query.Expr)).Count == 0)
                {
                    stillEmpty.Add(query);
                }
            }
            pending = stillEmpty;
        }
        return (queries, [.. pending.Select(q => q.Label)]);
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
