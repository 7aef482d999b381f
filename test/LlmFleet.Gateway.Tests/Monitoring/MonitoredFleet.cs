using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LlmFleet.Gateway.Configuration;
using LlmFleet.Gateway.Hosting;
using LlmFleet.Monitoring;
using LlmFleet.Monitoring.Alerts;
using LlmFleet.Gateway.Routing;
using LlmFleet.Gateway.Tests.Functional;
using LlmFleet.Planning.Performance;
using LlmFleet.Simulation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LlmFleet.Gateway.Tests.Monitoring;

/// <summary>
/// Twins behind a gateway whose monitor runs fast: 2 s rate window, alerts evaluated every 100 ms and firing after
/// their condition held 300 ms, exporters (the twins' simulated DCGM and node exporters) scraped every 200 ms, and
/// a webhook receiver on loopback that records every alert the gateway sends.
/// </summary>
internal sealed class MonitoredFleet : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(40);

    private static readonly JsonSerializerOptions SnakeCase = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private MonitoredFleet(List<RunningTwin> twins, RunningGateway gateway, WebhookReceiver webhook)
    {
        Twins = twins;
        Gateway = gateway;
        Webhook = webhook;
        Client = new HttpClient { BaseAddress = gateway.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public List<RunningTwin> Twins { get; }

    public RunningGateway Gateway { get; }

    public WebhookReceiver Webhook { get; }

    public HttpClient Client { get; }

    /// <summary>A twin with 5 ms steps in real time: fast, yet TTFT and inter-token latency are real numbers.</summary>
    public static TwinOptions Twin(Func<TwinOptions, TwinOptions>? configure = null)
    {
        var options = new TwinOptions
        {
            Speed = 1,
            ReasoningParser = "none",
            StepTimeModel = new FixedStepTime(TimeSpan.FromMilliseconds(5)),
            KvCacheTokens = 65_536,
            MaxModelLen = 8192,
        };
        return configure?.Invoke(options) ?? options;
    }

    public static async Task<MonitoredFleet> StartAsync(IEnumerable<TwinOptions> twinOptions, Func<MonitoringConfig, MonitoringConfig>? monitoring = null,
        Func<ModelConfig, ModelConfig>? model = null)
    {
        var ct = TestContext.Current.CancellationToken;
        var twins = new List<RunningTwin>();
        foreach (var options in twinOptions)
        {
            twins.Add(await TwinHost.StartAsync(options, ct: ct));
        }
        var webhook = await WebhookReceiver.StartAsync();
        var fast = new AlertRuleSettings(0, TimeSpan.FromMilliseconds(300));
        var config = new MonitoringConfig
        {
            Window = TimeSpan.FromSeconds(2),
            EvaluationInterval = TimeSpan.FromMilliseconds(100),
            ExporterInterval = TimeSpan.FromMilliseconds(200),
            WebhookUrl = webhook.Url,
            Exporters = twins.Select(t => new ExporterConfig(t.BaseAddress, new Uri(t.BaseAddress, "sim/dcgm/metrics"), new Uri(t.BaseAddress, "sim/node/metrics"))).ToArray(),
            Alerts = AlertRules.All.ToDictionary(r => r.Name, r => fast with { Threshold = r.Defaults.Threshold }),
        };
        var m = TestFleet.ModelFor(twins, BackendSelectionPolicies.RoundRobin);
        var fleet = new FleetConfig { Models = [model?.Invoke(m) ?? m], Monitoring = monitoring?.Invoke(config) ?? config };
        var gateway = await GatewayHost.StartAsync(new GatewayOptions { Config = fleet, Urls = "http://127.0.0.1:0", MinimumLogLevel = LogLevel.Warning }, ct);
        return new MonitoredFleet(twins, gateway, webhook);
    }

    /// <summary>Overrides one rule's threshold (its <c>for</c> stays at 300 ms).</summary>
    public static MonitoringConfig WithThreshold(MonitoringConfig config, AlertRule rule, double threshold) => config with
    {
        Alerts = new Dictionary<string, AlertRuleSettings>(config.Alerts) { [rule.Name] = config.Alerts[rule.Name] with { Threshold = threshold } },
    };

    public async Task<FleetSnapshot> FleetAsync() =>
        (await Client.GetFromJsonAsync("admin/fleet", MonitoringJsonContext.Default.FleetSnapshot, TestContext.Current.CancellationToken))!;

    public async Task<AlertsReport> AlertsAsync() =>
        (await Client.GetFromJsonAsync("admin/alerts", MonitoringJsonContext.Default.AlertsReport, TestContext.Current.CancellationToken))!;

    /// <summary>Sets a twin's faults through its own fault API, as an operator's chaos test would.</summary>
    public async Task InjectAsync(int twin, FaultOptions faults)
    {
        // Every field is sent: the twin's POST reads absent fields as 0, which it refuses for slow and error_status.
        using var http = new HttpClient { BaseAddress = Twins[twin].BaseAddress };
        using var response = await http.PostAsync("sim/faults",
            new StringContent(JsonSerializer.Serialize(faults, SnakeCase), Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    public Task<HttpResponseMessage> ChatAsync(int maxTokens = 4, string content = "Say hello.") =>
        Client.PostAsync("v1/chat/completions", new StringContent(
            JsonSerializer.Serialize(new { model = TestFleet.Model, messages = new[] { new { role = "user", content } }, max_tokens = maxTokens, ignore_eos = true }),
            Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

    /// <summary>Sends <paramref name="count"/> requests, <paramref name="concurrency"/> at a time; returns their status codes.</summary>
    public async Task<int[]> LoadAsync(int count, int concurrency, int maxTokens = 4, string content = "Say hello.")
    {
        var statuses = new ConcurrentBag<int>();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) < count)
            {
                using var response = await ChatAsync(maxTokens, content);
                statuses.Add((int)response.StatusCode);
            }
        }));
        return [.. statuses];
    }

    public async Task<AlertView> WaitForAlertAsync(string rule, int backendId)
    {
        AlertView? found = null;
        await TestFleet.WaitUntilAsync(async () =>
        {
            found = (await AlertsAsync()).Active.FirstOrDefault(a => a.Rule == rule && a.BackendId == backendId);
            return found is not null;
        }, Patience, $"alert {rule} to fire on backend {backendId}");
        return found!;
    }

    public async Task<AlertView> WaitForResolvedAsync(string rule, int backendId)
    {
        AlertView? found = null;
        await TestFleet.WaitUntilAsync(async () =>
        {
            var report = await AlertsAsync();
            found = report.RecentlyResolved.FirstOrDefault(a => a.Rule == rule && a.BackendId == backendId);
            return found is not null && !report.Active.Any(a => a.Rule == rule && a.BackendId == backendId);
        }, Patience, $"alert {rule} to resolve on backend {backendId}");
        return found!;
    }

    public async Task<FleetSnapshot> WaitForFleetAsync(Func<FleetSnapshot, bool> condition, string what)
    {
        FleetSnapshot? snapshot = null;
        await TestFleet.WaitUntilAsync(async () => condition(snapshot = await FleetAsync()), Patience, what);
        return snapshot!;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Gateway.DisposeAsync();
        foreach (var twin in Twins)
        {
            await twin.DisposeAsync();
        }
        await Webhook.DisposeAsync();
    }
}

/// <summary>Every engine step takes the same time, whatever the batch: latencies a test can reason about.</summary>
internal sealed class FixedStepTime(TimeSpan step) : IStepTimeModel
{
    public TimeSpan StepTime(int prefillTokens, int decodeSequences, long decodeContextTokens) => step;
}

/// <summary>An HTTP endpoint on loopback that keeps every JSON body POSTed to it: the alert webhook's receiver.</summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private WebhookReceiver(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    public ConcurrentQueue<JsonElement> Received { get; } = new();

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        WebhookReceiver? self = null;
        app.MapPost("/hook", async (HttpContext http) =>
        {
            self!.Received.Enqueue(await JsonSerializer.DeserializeAsync<JsonElement>(http.Request.Body, cancellationToken: http.RequestAborted));
            return Results.Ok();
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        self = new WebhookReceiver(app, new Uri(app.Urls.First().TrimEnd('/') + "/hook"));
        return self;
    }

    /// <summary>True once an alert with this status, rule and backend was delivered.</summary>
    public bool Got(string status, string rule, string backend) => Received.Any(p =>
        p.GetProperty("status").GetString() == status
        && p.GetProperty("alerts").EnumerateArray().Any(a =>
            a.GetProperty("labels").GetProperty("rule").GetString() == rule && a.GetProperty("labels").GetProperty("backend").GetString() == backend));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
