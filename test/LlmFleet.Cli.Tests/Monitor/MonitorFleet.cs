using System.Text;
using System.Text.Json;
using LlmFleet.Gateway.Configuration;
using LlmFleet.Gateway.Hosting;
using LlmFleet.Monitoring;
using LlmFleet.Monitoring.Alerts;
using LlmFleet.Simulation;
using Microsoft.Extensions.Logging;

namespace LlmFleet.Cli.Tests.Monitor;

/// <summary>Twins (5 ms steps, real time) behind a real gateway on 127.0.0.1 whose monitor runs fast, for the
/// monitoring commands to talk to.</summary>
internal sealed class MonitorFleet : IAsyncDisposable
{
    private MonitorFleet(List<RunningTwin> twins, RunningGateway gateway)
    {
        Twins = twins;
        Gateway = gateway;
    }

    public List<RunningTwin> Twins { get; }

    public RunningGateway Gateway { get; }

    public string Url => Gateway.BaseAddress.ToString();

    public static TwinOptions Twin(int stepMs = 5) => new()
    {
        Speed = 1,
        ReasoningParser = "none",
        StepTimeModel = new Step(TimeSpan.FromMilliseconds(stepMs)),
        KvCacheTokens = 65_536,
        MaxModelLen = 8192,
    };

    public static async Task<MonitorFleet> StartAsync(int twins, int stepMs = 5)
    {
        var ct = TestContext.Current.CancellationToken;
        var started = new List<RunningTwin>();
        for (var i = 0; i < twins; i++)
        {
            started.Add(await TwinHost.StartAsync(Twin(stepMs), ct: ct));
        }
        var config = new FleetConfig
        {
            Models =
            [
                new ModelConfig
                {
                    Name = "glm-5.2",
                    Policy = "round-robin",
                    Backends = started.Select(t => new BackendConfig { Url = t.BaseAddress, ServedModel = t.ServedModelName }).ToArray(),
                    Health = new HealthConfig { Interval = TimeSpan.FromMilliseconds(200), ScrapeInterval = TimeSpan.FromMilliseconds(100) },
                },
            ],
            Monitoring = new MonitoringConfig
            {
                Window = TimeSpan.FromSeconds(2),
                EvaluationInterval = TimeSpan.FromMilliseconds(100),
                ExporterInterval = TimeSpan.FromMilliseconds(200),
                Exporters = started.Select(t => new ExporterConfig(t.BaseAddress, new Uri(t.BaseAddress, "sim/dcgm/metrics"), null)).ToArray(),
                Alerts = AlertRules.All.ToDictionary(r => r.Name, r => r.Defaults with { For = TimeSpan.FromMilliseconds(300) }),
            },
        };
        var gateway = await GatewayHost.StartAsync(new GatewayOptions { Config = config, Urls = "http://127.0.0.1:0", MinimumLogLevel = LogLevel.Warning }, ct);
        var fleet = new MonitorFleet(started, gateway);
        await fleet.WaitAsync(f => f.AllBackends().All(b => b.Status == "up" && b.Gpus is not null), "backends up with GPU figures");
        return fleet;
    }

    public async Task<FleetSnapshot> FleetAsync()
    {
        using var http = new HttpClient { BaseAddress = Gateway.BaseAddress };
        var json = await http.GetStringAsync("admin/fleet", TestContext.Current.CancellationToken);
        return JsonSerializer.Deserialize(json, MonitoringJsonContext.Default.FleetSnapshot)!;
    }

    public async Task WaitAsync(Func<FleetSnapshot, bool> condition, string what)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition(await FleetAsync()))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(40), $"timed out waiting for {what}");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Sends chat requests straight to <paramref name="target"/> (the gateway or a twin).</summary>
    public static async Task ChatAsync(Uri target, int count, int maxTokens = 8, string model = "glm-5.2")
    {
        using var http = new HttpClient { BaseAddress = target };
        for (var i = 0; i < count; i++)
        {
            var body = JsonSerializer.Serialize(new { model, messages = new[] { new { role = "user", content = "hello" } }, max_tokens = maxTokens, ignore_eos = true });
            using var response = await http.PostAsync("v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
            response.EnsureSuccessStatusCode();
        }
    }

    public async Task InjectAsync(int twin, FaultOptions faults) => await Twins[twin].SetFaultsAsync(faults);

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        foreach (var twin in Twins)
        {
            await twin.DisposeAsync();
        }
    }

    private sealed class Step(TimeSpan step) : LlmFleet.Planning.Performance.IStepTimeModel
    {
        public TimeSpan StepTime(int prefillTokens, int decodeSequences, long decodeContextTokens) => step;
    }
}
