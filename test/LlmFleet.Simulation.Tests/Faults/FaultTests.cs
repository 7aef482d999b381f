using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using LlmFleet.Simulation.Tests.Hosting;
using LlmFleet.Vllm.Metrics;

namespace LlmFleet.Simulation.Tests.Faults;

/// <summary>Each fault, set through <c>POST /sim/faults</c> (as an operator would) or the host API, behaves as specified.</summary>
public sealed class FaultTests
{
    private const string Chat = "v1/chat/completions";
    private static readonly string SmallChat = Prompts.ChatJson("Hi", 5, stream: false);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Crash_ByPost_StopsListening()
    {
        await using var twin = await Twins.StartAsync();
        using var http = Twins.Http(twin);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("health", Ct)).StatusCode);

        var set = await http.SendAsync(Sse.Post("sim/faults", """{"crash":true}"""), Ct);
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);

        var e = await RetryUntilThrowsAsync(() => new HttpClient { BaseAddress = twin.BaseAddress }.GetAsync("health", Ct));
        Assert.IsType<SocketException>(e.InnerException);
    }

    [Fact]
    public async Task Crash_ByHostApi_DropsOpenStreams()
    {
        await using var twin = await Twins.StartAsync(speed: 1);
        using var http = Twins.Http(twin);
        var stream = Sse.ReadAllAsync(http, Chat, Prompts.ChatJson("Hi", 2000), Ct);
        await Task.Delay(300, Ct);

        await twin.SetFaultsAsync(new FaultOptions { Crash = true });

        var (_, events) = await stream;
        Assert.NotEmpty(events);
        Assert.DoesNotContain(events, e => e.IsDone);
        await Assert.ThrowsAsync<HttpRequestException>(() => new HttpClient { BaseAddress = twin.BaseAddress }.GetAsync("health", Ct));
    }

    [Fact]
    public async Task Hang_AcceptsButNeverAnswers_UntilLifted()
    {
        await using var twin = await Twins.StartAsync();
        using var http = Twins.Http(twin);
        await http.SendAsync(Sse.Post("sim/faults", """{"hang":true}"""), Ct);

        using var impatient = new HttpClient { BaseAddress = twin.BaseAddress, Timeout = TimeSpan.FromMilliseconds(500) };
        await Assert.ThrowsAsync<TaskCanceledException>(() => impatient.GetAsync("health", Ct));
        await Assert.ThrowsAsync<TaskCanceledException>(() => impatient.SendAsync(Sse.Post(Chat, SmallChat), Ct));

        await http.SendAsync(Sse.Post("sim/faults", "{}"), Ct);
        Assert.Equal(HttpStatusCode.OK, (await impatient.GetAsync("health", Ct)).StatusCode);
    }

    [Fact]
    public async Task Slow_Three_MakesStepsThreeTimesLonger()
    {
        // Steps of 40 ms, not 10: the latency is measured in real time, and a loaded machine adds the same few
        // milliseconds of scheduling to every step, which pulls the ratio towards 1 (with 10 ms steps it fell below 2.4
        // once, at a load average of 36).
        await using var twin = await Twins.StartSmallAsync(65_536, new LinearStepTime(0.04, 0, 0), speed: 1);
        using var http = Twins.Http(twin);
        var request = Prompts.ChatJson("Hi", 12);

        var normal = await MeanInterTokenLatencyAsync(http, request);
        await http.SendAsync(Sse.Post("sim/faults", """{"slow":3}"""), Ct);
        var slow = await MeanInterTokenLatencyAsync(http, request);

        Assert.InRange(slow / normal, 2.4, 3.6);
    }

    [Fact]
    public async Task Error_AllRequests_Answer503WithVllmBody_HealthStaysUp()
    {
        await using var twin = await Twins.StartAsync();
        using var http = Twins.Http(twin);
        await http.SendAsync(Sse.Post("sim/faults", """{"error_rate":1,"error_status":503}"""), Ct);

        var response = await http.SendAsync(Sse.Post(Chat, SmallChat), Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(503, body.RootElement.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("health", Ct)).StatusCode);
    }

    [Fact]
    public async Task Error_Fraction_FailsAboutThatShareWith500()
    {
        await using var twin = await Twins.StartAsync(configure: o => o with { Faults = FaultOptions.Parse("error=0.5") });
        using var http = Twins.Http(twin);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 60; i++)
        {
            statuses.Add((await http.SendAsync(Sse.Post(Chat, SmallChat), Ct)).StatusCode);
        }

        Assert.All(statuses, s => Assert.Contains(s, new[] { HttpStatusCode.OK, HttpStatusCode.InternalServerError }));
        Assert.InRange(statuses.Count(s => s == HttpStatusCode.InternalServerError), 15, 45);
    }

    [Fact]
    public async Task DropStream_AfterFiveTokens_ClosesWithoutDoneAndIsNotCountedAsFinished()
    {
        await using var twin = await Twins.StartAsync(speed: 10, o => o with { ReasoningParser = "none" });
        using var http = Twins.Http(twin);
        await twin.SetFaultsAsync(new FaultOptions { DropStreamAfterTokens = 5 });

        var (_, events) = await Sse.ReadAllAsync(http, Chat, Prompts.ChatJson("Hi", 200), Ct);

        Assert.DoesNotContain(events, e => e.IsDone);
        var text = string.Concat(events.Select(e => e.Json.GetProperty("choices")).Where(c => c.GetArrayLength() > 0)
            .Select(c => c[0].GetProperty("delta").TryGetProperty("content", out var t) ? t.GetString() : ""));
        // At most five tokens (words and marks); a reset may also discard what the client had not read yet.
        Assert.InRange(text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length, 0, 5);
        // The engine aborts the request; vLLM does not count an aborted request as finished (no abort, no latency).
        var metrics = await http.GetStringAsync("metrics", Ct);
        for (var i = 0; i < 100 && PrometheusText.Sum(metrics, VllmMetricNames.NumRequestsRunning) is not 0.0; i++)
        {
            await Task.Delay(20, Ct);
            metrics = await http.GetStringAsync("metrics", Ct);
        }
        Assert.Equal(0, PrometheusText.Sum(metrics, VllmMetricNames.NumRequestsRunning));
        Assert.Equal(0, PrometheusText.Sum(metrics, VllmMetricNames.RequestSuccessTotal, ("finished_reason", "abort")));
        Assert.Equal(0, PrometheusText.Sum(metrics, VllmMetricNames.E2eRequestLatencySeconds + "_count"));
    }

    [Fact]
    public async Task MidStreamError_SetAtRunTime_200StreamEndsWithVllmsErrorEventThenDone()
    {
        await using var twin = await Twins.StartAsync(speed: 10, o => o with { ReasoningParser = "none" });
        using var http = Twins.Http(twin);
        var set = await http.SendAsync(Sse.Post("sim/faults", """{"mid_stream_error_after_tokens":5}"""), Ct);
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);

        var (response, events) = await Sse.ReadAllAsync(http, Chat, Prompts.ChatJson("Hi", 200), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(events[^1].IsDone);
        var error = events[^2].Json.GetProperty("error");
        Assert.Equal(500, error.GetProperty("code").GetInt32());
        Assert.Equal("InternalServerError", error.GetProperty("type").GetString());
        Assert.Contains("EngineCore encountered an issue", error.GetProperty("message").GetString());
        var content = events[..^2].Select(e => e.Json.GetProperty("choices")).Where(c => c.GetArrayLength() > 0)
            .Select(c => c[0].GetProperty("delta").TryGetProperty("content", out var t) ? t.GetString() : "");
        Assert.Equal(5, string.Concat(content).Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.DoesNotContain(events[..^2], e => e.Json.GetProperty("choices").EnumerateArray().Any(c => c.GetProperty("finish_reason").ValueKind != JsonValueKind.Null));
    }

    [Fact]
    public async Task Unhealthy_HealthIs503_WhileRequestsAreServed()
    {
        await using var twin = await Twins.StartAsync(configure: o => o with { Faults = new FaultOptions { Unhealthy = true } });
        using var http = Twins.Http(twin);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync("health", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(Sse.Post(Chat, SmallChat), Ct)).StatusCode);

        await twin.SetFaultsAsync(FaultOptions.None);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("health", Ct)).StatusCode);
    }

    [Fact]
    public async Task Faults_GetShowsCurrent_PostRejectsUnknownFields()
    {
        await using var twin = await Twins.StartAsync();
        using var http = Twins.Http(twin);
        await http.SendAsync(Sse.Post("sim/faults", """{"slow":2,"unhealthy":true}"""), Ct);

        using var current = JsonDocument.Parse(await http.GetStringAsync("sim/faults", Ct));
        var bad = await http.SendAsync(Sse.Post("sim/faults", """{"explode":true}"""), Ct);

        Assert.Equal(2, current.RootElement.GetProperty("slow").GetDouble());
        Assert.True(current.RootElement.GetProperty("unhealthy").GetBoolean());
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    private static async Task<double> MeanInterTokenLatencyAsync(HttpClient http, string request)
    {
        var before = await http.GetStringAsync("metrics", Ct);
        await Sse.ReadAllAsync(http, Chat, request, Ct);
        var after = await http.GetStringAsync("metrics", Ct);
        double Delta(string suffix) => (PrometheusText.Sum(after, VllmMetricNames.InterTokenLatencySeconds + suffix) ?? 0)
            - (PrometheusText.Sum(before, VllmMetricNames.InterTokenLatencySeconds + suffix) ?? 0);
        return Delta("_sum") / Delta("_count");
    }

    private static async Task<HttpRequestException> RetryUntilThrowsAsync(Func<Task<HttpResponseMessage>> request)
    {
        for (var i = 0; i < 50; i++)
        {
            try
            {
                await request();
            }
            catch (HttpRequestException e)
            {
                return e;
            }
            await Task.Delay(20, Ct);
        }
        throw new Xunit.Sdk.XunitException("the twin kept answering");
    }
}
