using System.Net;
using System.Text.Json;
using LlmFleet.Simulation;
using LlmFleet.Vllm.Metrics;

namespace LlmFleet.Gateway.Tests.Functional;

/// <summary>Backends failing under the gateway: retries before the first byte, error events after it, ejection and return.</summary>
public sealed class ResilienceTests
{
    [Fact]
    public async Task BackendKilledUnderLoad_LosesNoRequest()
    {
        await using var fleet = await TestFleet.StartAsync(twins: 3, speed: 20);
        var ct = TestContext.Current.CancellationToken;
        var statuses = new List<HttpStatusCode>();
        var killed = false;
        var workers = Enumerable.Range(0, 12).Select(async w =>
        {
            for (var i = 0; i < 12; i++)
            {
                using var response = await fleet.PostChatAsync(TestFleet.ChatJson(content: $"worker {w} request {i}", maxTokens: 16));
                lock (statuses)
                {
                    statuses.Add(response.StatusCode);
                }
            }
        }).ToList();
        workers.Add(Task.Run(async () =>
        {
            await Poll.UntilAsync(() => Task.FromResult(statuses.Count >= 20), TimeSpan.FromSeconds(30), "some requests to finish");
            await fleet.Twins[1].SetFaultsAsync(new FaultOptions { Crash = true });
            killed = true;
        }, ct));
        await Task.WhenAll(workers);
        Assert.True(killed);
        Assert.Equal(144, statuses.Count);
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
    }

    [Fact]
    public async Task Upstream503_IsRetriedOnAnotherBackend()
    {
        await using var fleet = await TestFleet.StartAsync(twins: 2);
        await fleet.Twins[0].SetFaultsAsync(new FaultOptions { ErrorRate = 1, ErrorStatus = 503 });
        for (var i = 0; i < 6; i++)
        {
            using var response = await fleet.PostChatAsync(TestFleet.ChatJson());
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        var metrics = await fleet.MetricsAsync();
        Assert.True(PrometheusText.Sum(metrics, "llmfleet_gateway_retries_total") > 0);
    }

    [Fact]
    public async Task Upstream500_WithNoOtherBackend_IsPassedThrough()
    {
        await using var fleet = await TestFleet.StartAsync(twins: 1);
        await fleet.Twins[0].SetFaultsAsync(new FaultOptions { ErrorRate = 1, ErrorStatus = 500 });
        using var response = await fleet.PostChatAsync(TestFleet.ChatJson());
        Assert.True(response.StatusCode == HttpStatusCode.InternalServerError, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Contains("simulated fault", (await TestFleet.ReadJsonAsync(response)).GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task ConsecutiveFailures_EjectTheBackend_AndItComesBackAfterHalfOpenProbe()
    {
        // A 3 s ejection outlasts the requests below even on a loaded machine; readmission is awaited at the end.
        await using var fleet = await TestFleet.StartAsync(twins: 2, model: m => m with
        {
            Retries = 0,
            Health = m.Health with { Ejection = TimeSpan.FromSeconds(3) },
        });
        var bad = fleet.Twins[0];
        await bad.SetFaultsAsync(new FaultOptions { ErrorRate = 1, ErrorStatus = 500 });
        // Round-robin: every other request reaches the failing backend until it is ejected after 3 failures.
        for (var i = 0; i < 8; i++)
        {
            using var _ = await fleet.PostChatAsync(TestFleet.ChatJson());
        }
        var metrics = await fleet.MetricsAsync();
        Assert.Equal(1, PrometheusText.Sum(metrics, "llmfleet_gateway_backend_ejections_total", ("backend", bad.BaseAddress.Authority)));
        var during = await fleet.RequestsThroughAsync(bad);
        for (var i = 0; i < 4; i++)
        {
            using var response = await fleet.PostChatAsync(TestFleet.ChatJson());
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        Assert.Equal(during, await fleet.RequestsThroughAsync(bad));

        await bad.SetFaultsAsync(FaultOptions.None);
        await Poll.UntilAsync(async () =>
        {
            using var _ = await fleet.PostChatAsync(TestFleet.ChatJson());
            return await fleet.RequestsThroughAsync(bad) > during;
        }, TimeSpan.FromSeconds(10), "the backend to be readmitted");
    }

    [Fact]
    public async Task StreamCutUpstream_EndsWithAnErrorEventThenDone()
    {
        await using var fleet = await TestFleet.StartAsync(twins: 1);
        await fleet.Twins[0].SetFaultsAsync(new FaultOptions { DropStreamAfterTokens = 3 });
        var (response, events) = await fleet.StreamChatAsync(TestFleet.ChatJson(stream: true, maxTokens: 50));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(events.Count >= 3);
        Assert.Equal("[DONE]", events[^1]);
        var error = JsonDocument.Parse(events[^2]).RootElement.GetProperty("error");
        Assert.Contains("broke off", error.GetProperty("message").GetString());
        Assert.Equal(502, error.GetProperty("code").GetInt32());
        // The events before it were relayed as they came: valid chunks.
        Assert.Equal("chat.completion.chunk", JsonDocument.Parse(events[0]).RootElement.GetProperty("object").GetString());
    }

    [Fact]
    public async Task StreamSilentLongerThanIdleTimeout_EndsWithA504EventThenDone()
    {
        // Real GLM-5.2 speed: tens of milliseconds between tokens, far over a 1 ms idle timeout.
        await using var fleet = await TestFleet.StartAsync(twins: 1, speed: 1, model: m => m with
        {
            Timeouts = new LlmFleet.Gateway.Configuration.TimeoutsConfig { FirstToken = TimeSpan.FromSeconds(30), Idle = TimeSpan.FromMilliseconds(1) },
        });
        var (response, events) = await fleet.StreamChatAsync(TestFleet.ChatJson(stream: true, maxTokens: 200));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("[DONE]", events[^1]);
        Assert.Equal(504, JsonDocument.Parse(events[^2]).RootElement.GetProperty("error").GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task ClientDisconnect_CancelsTheUpstreamRequest()
    {
        await using var fleet = await TestFleet.StartAsync(twins: 1, speed: 1);
        var twin = fleet.Twins[0];
        using (var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken))
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
            {
                Content = TestFleet.Json(TestFleet.ChatJson(stream: true, maxTokens: 5000)),
            };
            using var response = await fleet.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
            await reader.ReadLineAsync(cts.Token);
            Assert.Equal(1, await RunningOnTwinAsync(twin));
        }
        await Poll.UntilAsync(async () => await RunningOnTwinAsync(twin) == 0, TimeSpan.FromSeconds(10),
            "the twin to see the request aborted");
    }

    private static async Task<double> RunningOnTwinAsync(RunningTwin twin)
    {
        using var http = new HttpClient { BaseAddress = twin.BaseAddress };
        var text = await http.GetStringAsync("metrics", TestContext.Current.CancellationToken);
        return PrometheusText.Sum(text, VllmMetricNames.NumRequestsRunning) ?? 0;
    }

    [Fact]
    public async Task GracefulShutdown_LetsAStreamInFlightFinish()
    {
        await using var fleet = await TestFleet.StartAsync(twins: 1, speed: 5);
        var streaming = fleet.StreamChatAsync(TestFleet.ChatJson(stream: true, maxTokens: 40));
        await Poll.UntilAsync(() => Task.FromResult(fleet.Twins[0].App is not null && fleet.Gateway.State.Current.Backends[0].InFlight == 1),
            TimeSpan.FromSeconds(10), "the stream to start");
        var stopping = fleet.Gateway.StopAsync(TestContext.Current.CancellationToken);
        var (response, events) = await streaming;
        await stopping;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("[DONE]", events[^1]);
        Assert.DoesNotContain(events, e => e.Contains("\"error\"", StringComparison.Ordinal));
    }
}
