using System.ClientModel;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LlmFleet.Gateway.Configuration;
using LlmFleet.Gateway.Hosting;
using LlmFleet.Gateway.Routing;
using LlmFleet.Simulation;
using LlmFleet.Vllm.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using OpenAI;

namespace LlmFleet.Gateway.Tests.Functional;

/// <summary>
/// Real servers on 127.0.0.1 port 0: vLLM twins of GLM-5.2 FP8 on 8×H200 as backends and the gateway in front, all
/// in this process. Health checks run fast (200 ms probes, 100 ms scrapes) so tests see state changes quickly.
/// </summary>
internal sealed class TestFleet : IAsyncDisposable
{
    public const string Model = "glm-5.2";
    public const string Alias = "glm";

    private TestFleet(List<RunningTwin> twins, RunningGateway gateway)
    {
        Twins = twins;
        Gateway = gateway;
        Client = new HttpClient { BaseAddress = gateway.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public List<RunningTwin> Twins { get; }

    public RunningGateway Gateway { get; }

    public HttpClient Client { get; }

    /// <summary>A twin whose answers are plain content (no reasoning section), so short answers have text to check.</summary>
    public static TwinOptions TwinAt(double speed) => new() { Speed = speed, ReasoningParser = "none" };

    public static Task<RunningTwin> StartTwinAsync(double speed = 0, FaultOptions? faults = null) =>
        TwinHost.StartAsync(TwinAt(speed) with { Faults = faults ?? FaultOptions.None }, ct: TestContext.Current.CancellationToken);

    public static ModelConfig ModelFor(IEnumerable<RunningTwin> twins, string policy = BackendSelectionPolicies.RoundRobin) => new()
    {
        Name = Model,
        Aliases = [Alias],
        Policy = policy,
        Backends = twins.Select(t => new BackendConfig { Url = t.BaseAddress, ServedModel = t.ServedModelName }).ToArray(),
        Health = new HealthConfig
        {
            Interval = TimeSpan.FromMilliseconds(200),
            ScrapeInterval = TimeSpan.FromMilliseconds(100),
            Ejection = TimeSpan.FromMilliseconds(500),
        },
        Timeouts = new TimeoutsConfig { FirstToken = TimeSpan.FromSeconds(30), Idle = TimeSpan.FromSeconds(10) },
    };

    /// <summary>Starts <paramref name="twins"/> twins and a gateway over them.</summary>
    public static async Task<TestFleet> StartAsync(int twins = 1, double speed = 0, string policy = BackendSelectionPolicies.RoundRobin,
        Func<ModelConfig, ModelConfig>? model = null, Func<FleetConfig, FleetConfig>? fleet = null)
    {
        var started = new List<RunningTwin>();
        for (var i = 0; i < twins; i++)
        {
            started.Add(await StartTwinAsync(speed));
        }
        var m = ModelFor(started, policy);
        var config = new FleetConfig { Models = [model?.Invoke(m) ?? m] };
        var gateway = await StartGatewayAsync(new GatewayOptions { Config = fleet?.Invoke(config) ?? config });
        return new TestFleet(started, gateway);
    }

    /// <summary>
    /// A small backend on 127.0.0.1 (port 0) standing in for vLLM where the twin lacks what a test needs: it answers
    /// <c>/health</c>, and <paramref name="map"/> adds the endpoints under test.
    /// </summary>
    public static async Task<WebApplication> StartStandInAsync(Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var backend = builder.Build();
        backend.MapGet("/health", () => "ok");
        map(backend);
        await backend.StartAsync(TestContext.Current.CancellationToken);
        return backend;
    }

    public static Task<RunningGateway> StartGatewayAsync(GatewayOptions options) =>
        GatewayHost.StartAsync(options with { Urls = "http://127.0.0.1:0", MinimumLogLevel = LogLevel.Warning }, TestContext.Current.CancellationToken);

    public static string ChatJson(string model = Model, string content = "Say hello.", bool stream = false, int maxTokens = 8,
        string? system = null, bool includeUsage = false)
    {
        var messages = new List<object>();
        if (system is not null)
        {
            messages.Add(new { role = "system", content = system });
        }
        messages.Add(new { role = "user", content });
        object body = includeUsage
            ? new { model, messages, stream, max_tokens = maxTokens, stream_options = new { include_usage = true } }
            : new { model, messages, stream, max_tokens = maxTokens };
        return JsonSerializer.Serialize(body);
    }

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public Task<HttpResponseMessage> PostChatAsync(string json) =>
        Client.PostAsync("v1/chat/completions", Json(json), TestContext.Current.CancellationToken);

    /// <summary>Sends a streamed request and reads every SSE <c>data:</c> payload until the body ends.</summary>
    public async Task<(HttpResponseMessage Response, List<string> Events)> StreamChatAsync(string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = Json(json) };
        var response = await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        var events = new List<string>();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken));
        while (await reader.ReadLineAsync(TestContext.Current.CancellationToken) is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                events.Add(line[6..]);
            }
        }
        return (response, events);
    }

    public OpenAIClient OpenAi() =>
        new(new ApiKeyCredential("sk-unused"), new OpenAIClientOptions { Endpoint = Gateway.OpenAiEndpoint, NetworkTimeout = TimeSpan.FromSeconds(60) });

    /// <summary>The gateway's <c>/metrics</c> text.</summary>
    public Task<string> MetricsAsync() => Client.GetStringAsync("metrics", TestContext.Current.CancellationToken);

    /// <summary>Requests the gateway answered through one backend (any status).</summary>
    public async Task<double> RequestsThroughAsync(RunningTwin twin)
    {
        var text = await MetricsAsync();
        return PrometheusText.Sum(text, "llmfleet_gateway_requests_total", ("backend", twin.BaseAddress.Authority)) ?? 0;
    }

    /// <summary>Polls until <paramref name="condition"/> holds, failing after <paramref name="timeout"/>.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > timeout)
            {
                Assert.Fail($"timed out after {timeout.TotalSeconds} s waiting for {what}");
            }
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken));

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Gateway.DisposeAsync();
        foreach (var twin in Twins)
        {
            await twin.DisposeAsync();
        }
    }
}
