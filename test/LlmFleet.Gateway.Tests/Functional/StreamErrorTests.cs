using System.Text;
using System.Text.Json;
using LlmFleet.Gateway.Access.Keys;
using LlmFleet.Gateway.Configuration;
using LlmFleet.Gateway.Tests.Access;
using LlmFleet.Gateway.Tests.Monitoring;
using LlmFleet.Monitoring.Alerts;
using LlmFleet.Vllm.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using OpenAI.Chat;

namespace LlmFleet.Gateway.Tests.Functional;

/// <summary>
/// A backend that fails after answering 200 reports it inside the stream, as vLLM does
/// (<c>data: {"error": {…}}</c> then <c>data: [DONE]</c>): the gateway counts the attempt as failed (metrics, ledger,
/// ejection, alerts) and, when the error was the first event, retries the request on another backend.
/// </summary>
public sealed class StreamErrorTests
{
    private const string EngineFailure = "EngineCore encountered an issue. See stack trace (above) for the root cause.";

    /// <summary>A stand-in for vLLM whose chat streams send <paramref name="tokensBeforeError"/> content chunks, then
    /// the error event vLLM's <c>create_streaming_error_response</c> writes (code 500) and <c>[DONE]</c>.</summary>
    private static Task<WebApplication> StartFailingBackendAsync(int tokensBeforeError, Action? onRequest = null) =>
        TestFleet.StartStandInAsync(app => app.MapPost("/v1/chat/completions", async (HttpContext http) =>
        {
            onRequest?.Invoke();
            http.Response.ContentType = "text/event-stream";
            for (var i = 0; i < tokensBeforeError; i++)
            {
                var delta = i == 0 ? """{"role":"assistant","content":"Hel"}""" : """{"content":"lo"}""";
                await http.Response.WriteAsync($$$"""data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"glm-5.2","choices":[{"index":0,"delta":{{{delta}}},"finish_reason":null}]}""" + "\n\n");
                await http.Response.Body.FlushAsync();
            }
            await http.Response.WriteAsync($$$"""data: {"error": {"message": "{{{EngineFailure}}}", "type": "InternalServerError", "param": null, "code": 500}}""" + "\n\n");
            await http.Response.WriteAsync("data: [DONE]\n\n");
        }));

    private static BackendConfig Backend(WebApplication app) => new() { Url = new Uri(app.Urls.First()) };

    [Fact]
    public async Task ErrorBeforeTheFirstToken_IsRetriedOnAnotherBackend_TheClientSeesOnlyTheAnswer()
    {
        var failed = 0;
        await using var failing = await StartFailingBackendAsync(tokensBeforeError: 0, () => Interlocked.Increment(ref failed));
        await using var fleet = await new FleetBuilder().Twins(1).ChangeModel(m => m with
        {
            Backends = [Backend(failing), .. m.Backends],
            Health = m.Health with { EjectAfter = 100 }, // keep the failing backend in the rotation
        }).StartAsync();
        var chat = fleet.OpenAi().GetChatClient(TestFleet.Model);

        for (var i = 0; i < 4; i++)
        {
            var text = new StringBuilder();
            await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("Say hello.")], new ChatCompletionOptions { MaxOutputTokenCount = 8 }, TestContext.Current.CancellationToken))
            {
                text.Append(string.Concat(update.ContentUpdate.Select(p => p.Text)));
            }
            Assert.False(string.IsNullOrEmpty(text.ToString()));
        }

        var metrics = await fleet.MetricsAsync();
        // Every attempt the failing backend got was retried on the twin.
        Assert.True(failed > 0);
        Assert.Equal(failed, PrometheusText.Sum(metrics, "llmfleet_gateway_retries_total", ("model", TestFleet.Model)));
        Assert.Equal(4, PrometheusText.Sum(metrics, "llmfleet_gateway_requests_total", ("backend", fleet.Twins[0].BaseAddress.Authority), ("status", "200")));
    }

    [Fact]
    public async Task ErrorBeforeTheFirstToken_WithNoOtherBackend_ReachesTheClientOnce()
    {
        await using var failing = await StartFailingBackendAsync(tokensBeforeError: 0);
        await using var fleet = await new FleetBuilder().ChangeModel(m => m with { Backends = [Backend(failing)] }).StartAsync();

        var (response, events) = await fleet.StreamChatAsync(TestFleet.ChatJson(stream: true));

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(2, events.Count);
        Assert.Equal(EngineFailure, JsonDocument.Parse(events[0]).RootElement.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal("[DONE]", events[1]);
        var metrics = await fleet.MetricsAsync();
        Assert.Equal(1, PrometheusText.Sum(metrics, "llmfleet_gateway_requests_total", ("model", TestFleet.Model), ("status", "500")));
        Assert.Null(PrometheusText.Sum(metrics, "llmfleet_gateway_requests_total", ("model", TestFleet.Model), ("status", "200")));
    }

    [Fact]
    public async Task ErrorAfterTokens_IsRelayedAsIs_CountedAsAnErrorInMetricsAndLedger_AndEjectsTheBackend()
    {
        await using var failing = await StartFailingBackendAsync(tokensBeforeError: 2);
        var (access, store) = AccessFleet.NewSetup();
        var keys = await AccessFleet.CreateKeysAsync(store, access, new NewKeySpec { Name = "stream-errors" });
        await using (var fleet = await new FleetBuilder().Access(access, store).ChangeModel(m => m with
        {
            Backends = [Backend(failing)],
            Health = m.Health with { EjectAfter = 3, Ejection = TimeSpan.FromSeconds(30) },
        }).StartAsync())
        {
            for (var i = 0; i < 3; i++)
            {
                var (response, events) = await fleet.StreamChatAsync(keys[0].Key, TestFleet.ChatJson(stream: true));
                Assert.Equal(200, (int)response.StatusCode);
                // The backend's own error event and [DONE] reach the client, once: the gateway adds nothing.
                Assert.Equal(4, events.Count);
                Assert.Equal(EngineFailure, JsonDocument.Parse(events[2]).RootElement.GetProperty("error").GetProperty("message").GetString());
                Assert.Equal("[DONE]", events[3]);
            }

            var metrics = await fleet.MetricsAsync();
            Assert.Equal(3, PrometheusText.Sum(metrics, "llmfleet_gateway_requests_total", ("model", TestFleet.Model), ("status", "500")));
            Assert.Equal(1, PrometheusText.Sum(metrics, "llmfleet_gateway_backend_ejections_total"));
            using var ejected = await fleet.PostChatAsync(keys[0].Key, TestFleet.ChatJson(stream: true));
            Assert.Equal(503, (int)ejected.StatusCode);
        } // stopping the gateway flushes the ledger

        var statuses = await LedgerStatusesAsync(store);
        Assert.Equal([500, 500, 500, 503], statuses);
    }

    [Fact]
    public async Task ErrorAfterTokens_FiresTheErrorRateAlert()
    {
        await using var failing = await StartFailingBackendAsync(tokensBeforeError: 1);
        await using var fleet = await new FleetBuilder().Monitored().ChangeModel(m => m with
        {
            Backends = [Backend(failing)],
            Health = m.Health with { EjectAfter = 100 },
        }).StartAsync();

        for (var i = 0; i < 5; i++)
        {
            await fleet.StreamChatAsync(TestFleet.ChatJson(stream: true));
        }

        var alert = await fleet.WaitForAlertAsync(AlertRules.ErrorRate.Name, 1);
        Assert.Contains("attempts failed", alert.Evidence);
    }

    private static async Task<int[]> LedgerStatusesAsync(string store)
    {
        await using var sqlite = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + store["sqlite:".Length..] + ";Pooling=False");
        await sqlite.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = sqlite.CreateCommand();
        command.CommandText = "SELECT status FROM usage_ledger ORDER BY id";
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var statuses = new List<int>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            statuses.Add(reader.GetInt32(0));
        }
        return [.. statuses];
    }
}
