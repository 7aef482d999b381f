using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using LlmFleet.Gateway.Access.Keys;
using LlmFleet.Gateway.Configuration;
using LlmFleet.Gateway.Tests.Access;
using LlmFleet.Gateway.Tests.Functional;
using LlmFleet.Simulation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace LlmFleet.Gateway.Tests.Errors;

/// <summary>
/// The gateway's own refusals on Anthropic's routes come in Anthropic's error shape, which Anthropic clients (coding
/// agents) parse: <c>{"type":"error","error":{"type","message"}}</c>.
/// </summary>
public sealed class AnthropicErrorTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Body(string model = TestFleet.Model) =>
        $$"""{"model":"{{model}}","max_tokens":16,"messages":[{"role":"user","content":"Hi"}]}""";

    private static async Task<(HttpResponseMessage Response, string ErrorType, string Message)> SendAsync(RunningFleet fleet, string path,
        string? key = null, string? body = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path.TrimStart('/')) { Content = TestFleet.Json(body ?? Body()) };
        if (key is not null)
        {
            request.Headers.Add("x-api-key", key); // how Anthropic clients send their key
        }
        request.Headers.Add("anthropic-version", "2023-06-01");
        var response = await fleet.Client.SendAsync(request, Ct);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
        Assert.Equal("error", json.GetProperty("type").GetString());
        Assert.False(json.GetProperty("error").TryGetProperty("code", out _));
        return (response, json.GetProperty("error").GetProperty("type").GetString()!, json.GetProperty("error").GetProperty("message").GetString()!);
    }

    [Theory]
    [InlineData("/v1/messages")]
    [InlineData("/v1/messages/count_tokens")]
    public async Task MissingKey_Is401AuthenticationError(string path)
    {
        await using var fleet = await AccessFleet.StartAsync();

        var (response, type, message) = await SendAsync(fleet, path);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("authentication_error", type);
        Assert.Contains("API key", message);
    }

    [Fact]
    public async Task ModelNotAllowed_Is403PermissionError_AndOverRpm_Is429RateLimitErrorWithRetryAfter()
    {
        var (access, store) = AccessFleet.NewSetup();
        var keys = await AccessFleet.CreateKeysAsync(store, access,
            new NewKeySpec { Name = "other-model-only", Models = ["qwen3"] },
            new NewKeySpec { Name = "one-a-minute", Rpm = 1 });
        await using var fleet = await AccessFleet.StartAsync(store: store, access: access);

        var (forbidden, forbiddenType, _) = await SendAsync(fleet, "/v1/messages", keys[0].Key);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal("permission_error", forbiddenType);

        await AccessFleet.AwayFromMinuteEndAsync();
        using (var first = await fleet.PostChatAsync(keys[1].Key, TestFleet.ChatJson()))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode); // the minute's one request
        }
        var (limited, limitedType, _) = await SendAsync(fleet, "/v1/messages/count_tokens", keys[1].Key);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("rate_limit_error", limitedType);
        Assert.NotNull(limited.Headers.RetryAfter);
    }

    [Fact]
    public async Task UnknownModel_Is404NotFoundError_AndTheSameOnOpenAisRoutesStaysOpenAiShaped()
    {
        await using var fleet = await TestFleet.StartAsync();

        var (response, type, message) = await SendAsync(fleet, "/v1/messages", body: Body("no-such-model"));
        using var openAi = await fleet.Client.PostAsync("v1/chat/completions", TestFleet.Json(TestFleet.ChatJson("no-such-model")), Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("not_found_error", type);
        Assert.Contains("no-such-model", message);
        Assert.Equal(404, (await TestFleet.ReadJsonAsync(openAi)).GetProperty("error").GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task NoHealthyBackend_Is503OverloadedError()
    {
        await using var fleet = await TestFleet.StartAsync();
        await fleet.Twins[0].SetFaultsAsync(new FaultOptions { Unhealthy = true });
        await Poll.UntilAsync(async () =>
        {
            using var ready = await fleet.Client.GetAsync("ready", Ct);
            return ready.StatusCode == HttpStatusCode.ServiceUnavailable;
        }, TimeSpan.FromSeconds(10), "/ready to report the backend down");

        var (response, type, message) = await SendAsync(fleet, "/v1/messages");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("overloaded_error", type);
        Assert.Contains("no healthy backend", message);
    }

    [Fact]
    public async Task HangingBackend_Is504ApiError()
    {
        await using var fleet = await TestFleet.StartAsync(model: m => m with
        {
            Retries = 0,
            Health = m.Health with { Interval = TimeSpan.FromMinutes(5) },
            Timeouts = new TimeoutsConfig { FirstToken = TimeSpan.FromMilliseconds(500) },
        });
        await fleet.Twins[0].SetFaultsAsync(new FaultOptions { Hang = true });

        var (response, type, _) = await SendAsync(fleet, "/v1/messages");

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal("api_error", type);
        Assert.Equal(new MediaTypeHeaderValue("application/json"), response.Content.Headers.ContentType);
    }

    [Fact]
    public async Task StreamBrokenByTheBackend_EndsWithAnAnthropicErrorEvent_WithoutDone()
    {
        await using var backend = await TestFleet.StartStandInAsync(app => app.MapPost("/v1/messages", async (HttpContext http) =>
        {
            http.Response.ContentType = "text/event-stream";
            await http.Response.WriteAsync("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\"}}\n\n");
            await http.Response.Body.FlushAsync();
            await Task.Delay(200);
            await http.Response.WriteAsync("event: content_block_delta\ndata: {\"type\":");
            await http.Response.Body.FlushAsync();
            await Task.Delay(100);
            http.Abort(); // the backend dies mid-event
        }));
        await using var fleet = await TestFleet.StartAsync(twins: 0, model: m => m with { Backends = [new BackendConfig { Url = new Uri(backend.Urls.First()) }] });

        using var response = await fleet.Client.PostAsync("v1/messages", TestFleet.Json(Body().Replace("\"max_tokens\"", "\"stream\":true,\"max_tokens\"", StringComparison.Ordinal)), Ct);
        var events = (await response.Content.ReadAsStringAsync(Ct)).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.StartsWith("event: message_start", events[0]);
        var last = events[^1].Split('\n');
        Assert.Equal("event: error", last[0]);
        var error = JsonDocument.Parse(last[1]["data: ".Length..]).RootElement;
        Assert.Equal("error", error.GetProperty("type").GetString());
        Assert.Equal("api_error", error.GetProperty("error").GetProperty("type").GetString());
        Assert.DoesNotContain(events, e => e.Contains("[DONE]", StringComparison.Ordinal));
    }
}
