using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using LlmFleet.Gateway.Tests.Functional;
using LlmFleet.Simulation;

namespace LlmFleet.Gateway.Tests.Monitoring.Http;

/// <summary><c>GET /admin/fleet</c>, drain and undrain on a running gateway over twins.</summary>
public sealed class FleetEndpointTests
{
    [Fact]
    public async Task Fleet_UnderTraffic_ReportsModelsBackendsRatesLatenciesAndGpus()
    {
        await using var fleet = await MonitoredFleet.StartAsync([MonitoredFleet.Twin(), MonitoredFleet.Twin()]);
        await fleet.WaitForFleetAsync(f => f.AllBackends().All(b => b.Status == "up"), "both backends up");

        await fleet.LoadAsync(count: 12, concurrency: 3, maxTokens: 16);
        var snapshot = await fleet.WaitForFleetAsync(f => f.AllBackends().All(b => b.GenerationTokensPerSecond > 0 && b.Gpus is not null && b.Host?.DiskBusyFraction is not null),
            "rates and exporter figures for both backends");

        var model = Assert.Single(snapshot.Models);
        Assert.Equal(TestFleet.Model, model.Name);
        Assert.Equal(2, model.Backends.Count);
        foreach (var b in model.Backends)
        {
            Assert.False(b.LegacyMetricNames);
            Assert.True(b.RequestsPerSecond > 0);
            Assert.True(b.PromptTokensPerSecond > 0);
            Assert.NotNull(b.TtftP50Seconds);
            Assert.True(b.TtftP95Seconds >= b.TtftP50Seconds);
            Assert.True(b.InterTokenP95Seconds > 0);
            Assert.Equal(0, b.ErrorFraction);
            Assert.InRange(b.KvCacheUsageFraction!.Value, 0, 0.05);
            Assert.Equal(8, b.Gpus!.Count);
            Assert.True(b.Gpus.MemoryTotalBytes > 8 * 140e9);
        }
        // snake_case keys with units, as the CLI's --json.
        var raw = await fleet.Admin.GetStringAsync("admin/fleet", TestContext.Current.CancellationToken);
        using var doc = JsonDocument.Parse(raw);
        var backend = doc.RootElement.GetProperty("models")[0].GetProperty("backends")[0];
        foreach (var key in new[] { "status", "running", "waiting", "kv_cache_usage_fraction", "generation_tokens_per_second", "ttft_p95_seconds", "error_fraction", "gpus" })
        {
            Assert.True(backend.TryGetProperty(key, out _), key);
        }
    }

    [Fact]
    public async Task Fleet_BackendStartingAfterGateway_ReportsModelLoadTime()
    {
        // Reserve a port, start the gateway pointing at it, and start the "server" 1.5 s later.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var url = $"http://127.0.0.1:{port}";
        var twinOptions = MonitoredFleet.Twin();
        var placeholder = await TwinHost.StartAsync(twinOptions, ct: TestContext.Current.CancellationToken);
        await using var fleet = await MonitoredFleet.StartAsync([],
            model: m => m with { Backends = [new LlmFleet.Gateway.Configuration.BackendConfig { Url = new Uri(url), ServedModel = placeholder.ServedModelName }] });
        await placeholder.DisposeAsync();
        await fleet.WaitForFleetAsync(f => f.AllBackends().Single().Status == "down", "the backend to be seen down");
        var startedAfter = TimeSpan.FromMilliseconds(1500);
        await Task.Delay(startedAfter, TestContext.Current.CancellationToken);

        await using var twin = await TwinHost.StartAsync(twinOptions, url, TestContext.Current.CancellationToken);
        var snapshot = await fleet.WaitForFleetAsync(f => f.AllBackends().Single().ModelLoadSeconds is not null, "a model load time");

        // From the first failed probe to the first healthy one: at least the delay, at most a few probe intervals more.
        Assert.InRange(snapshot.AllBackends().Single().ModelLoadSeconds!.Value, 1.4, 4.0);
    }

    [Fact]
    public async Task Drain_BackendWithStreamInFlight_FinishesItAndTakesNoNewRequests_UndrainRestores()
    {
        var slow = MonitoredFleet.Twin(o => o with { StepTimeModel = new FixedStepTime(TimeSpan.FromMilliseconds(20)) });
        await using var fleet = await MonitoredFleet.StartAsync([slow, slow]);
        await fleet.WaitForFleetAsync(f => f.AllBackends().All(b => b.Status == "up"), "both backends up");
        var ct = TestContext.Current.CancellationToken;

        // Round-robin: the first request goes to one backend; drain that one while its request runs (~2 s).
        var inFlight = fleet.ChatAsync(maxTokens: 100);
        var busy = await fleet.WaitForFleetAsync(f => f.AllBackends().Any(b => b.InFlight == 1), "a request in flight");
        var drained = busy.AllBackends().Single(b => b.InFlight == 1);
        using var drain = await fleet.Admin.PostAsync($"admin/backends/{drained.Id}/drain", null, ct);
        Assert.Equal(HttpStatusCode.OK, drain.StatusCode);
        Assert.Equal("draining", JsonDocument.Parse(await drain.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("status").GetString());

        var after = await fleet.LoadAsync(count: 6, concurrency: 2);
        using var finished = await inFlight;

        Assert.Equal(HttpStatusCode.OK, finished.StatusCode);
        Assert.All(after, s => Assert.Equal(200, s));
        var twinOfDrained = fleet.Twins.Single(t => t.BaseAddress.Authority == drained.Name);
        var metrics = await fleet.Client.GetStringAsync("metrics", ct);
        Assert.Equal(1, LlmFleet.Vllm.Metrics.PrometheusText.Sum(metrics, "llmfleet_gateway_requests_total", ("backend", twinOfDrained.BaseAddress.Authority)));
        Assert.DoesNotContain((await fleet.AlertsAsync()).Active, a => a.BackendId == drained.Id);

        using var undrain = await fleet.Admin.PostAsync($"admin/backends/{drained.Name}/undrain", null, ct);
        Assert.Equal(HttpStatusCode.OK, undrain.StatusCode);
        await fleet.LoadAsync(count: 4, concurrency: 1);
        metrics = await fleet.Client.GetStringAsync("metrics", ct);
        Assert.True(LlmFleet.Vllm.Metrics.PrometheusText.Sum(metrics, "llmfleet_gateway_requests_total", ("backend", twinOfDrained.BaseAddress.Authority)) > 1);
    }

    [Fact]
    public async Task Drain_UnknownBackend_Answers404NamingTheIds()
    {
        await using var fleet = await MonitoredFleet.StartAsync([MonitoredFleet.Twin()]);

        using var response = await fleet.Admin.PostAsync("admin/backends/7/drain", null, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var message = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.GetProperty("error").GetProperty("message").GetString();
        Assert.Contains("(1–1)", message);
    }
}
