using System.ClientModel;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LlmFleet.Gateway.Configuration;
using LlmFleet.Gateway.Routing;
using LlmFleet.Simulation;
using LlmFleet.Vllm.Metrics;
using Microsoft.AspNetCore.Builder;
using OpenAI;

namespace LlmFleet.Gateway.Tests.Functional;

/// <summary>
/// Plain twins (<see cref="FleetBuilder.PlainTwin"/>) behind a gateway, started by <see cref="FleetBuilder"/>, and the
/// requests the functional tests send through it.
/// </summary>
internal static class TestFleet
{
    public const string Model = FleetBuilder.Model;
    public const string Alias = FleetBuilder.Alias;

    /// <summary>Starts <paramref name="twins"/> twins and a gateway over them.</summary>
    public static Task<RunningFleet> StartAsync(int twins = 1, double speed = 0, string policy = BackendSelectionPolicies.RoundRobin,
        Func<ModelConfig, ModelConfig>? model = null, Func<FleetConfig, FleetConfig>? fleet = null) =>
        new FleetBuilder().Twins(twins, speed).Policy(policy).ChangeModel(model).ChangeConfig(fleet).StartAsync();

    /// <summary>
    /// A small backend on 127.0.0.1 (port 0) standing in for vLLM where the twin lacks what a test needs: it answers
    /// <c>/health</c>, and <paramref name="map"/> adds the endpoints under test.
    /// </summary>
    public static Task<WebApplication> StartStandInAsync(Action<WebApplication> map) => LoopbackApp.StartAsync(backend =>
    {
        backend.MapGet("/health", () => "ok");
        map(backend);
    });

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

    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken));

    extension(RunningFleet fleet)
    {
        public OpenAIClient OpenAi() =>
            new(new ApiKeyCredential("sk-unused"), new OpenAIClientOptions { Endpoint = fleet.Gateway.OpenAiEndpoint, NetworkTimeout = TimeSpan.FromSeconds(60) });

        /// <summary>The gateway's <c>/metrics</c> text.</summary>
        public Task<string> MetricsAsync() => fleet.Client.GetStringAsync("metrics", TestContext.Current.CancellationToken);

        /// <summary>Requests the gateway answered through one backend (any status).</summary>
        public async Task<double> RequestsThroughAsync(RunningTwin twin)
        {
            var text = await fleet.MetricsAsync();
            return PrometheusText.Sum(text, "llmfleet_gateway_requests_total", ("backend", twin.BaseAddress.Authority)) ?? 0;
        }
    }
}
