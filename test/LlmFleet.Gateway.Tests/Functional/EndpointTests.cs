using System.Net;
using System.Text.Json;
using LlmFleet.Gateway.Configuration;
using LlmFleet.Vllm.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace LlmFleet.Gateway.Tests.Functional;

/// <summary>What a client sees of the gateway's surface: routing by model, the model list, and errors in OpenAI's shape.</summary>
public sealed class EndpointTests
{
    [Fact]
    public async Task ChatCompletions_Alias_IsServedUnderTheBackendsName_AndAnsweredUnderTheAlias()
    {
        await using var fleet = await TestFleet.StartAsync();
        using var response = await fleet.PostChatAsync(TestFleet.ChatJson(TestFleet.Alias));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await TestFleet.ReadJsonAsync(response);
        Assert.False(string.IsNullOrEmpty(json.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()));
        // The twin only answers to its served name: a 200 proves the alias was rewritten into the forwarded body;
        // the answer carries the name the client asked for.
        Assert.NotEqual(TestFleet.Alias, fleet.Twins[0].ServedModelName);
        Assert.Equal(TestFleet.Alias, json.GetProperty("model").GetString());
        Assert.True(json.GetProperty("usage").GetProperty("completion_tokens").GetInt32() > 0);
    }

    [Theory]
    [InlineData("v1/completions", """{"model":"glm","prompt":"Once upon","max_tokens":4}""", "choices")]
    [InlineData("tokenize", """{"model":"glm-5.2","prompt":"hello world"}""", "tokens")]
    public async Task ForwardedEndpoint_RoutedByModel_Answers(string path, string body, string property)
    {
        await using var fleet = await TestFleet.StartAsync();
        using var response = await fleet.Client.PostAsync(path, TestFleet.Json(body), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True((await TestFleet.ReadJsonAsync(response)).TryGetProperty(property, out _));
    }

    [Fact]
    public async Task Responses_RoutedByModel_ReachTheBackendsResponsesApiUnderItsServedName_AnsweredUnderTheAskedName()
    {
        // A stand-in backend echoes the body it received, to show the served name written in.
        await using var backend = await TestFleet.StartStandInAsync(app => app.MapPost("/v1/responses", async (HttpContext http) =>
        {
            using var request = await JsonDocument.ParseAsync(http.Request.Body);
            return Results.Json(new
            {
                id = "resp_1",
                @object = "response",
                status = "completed",
                model = request.RootElement.GetProperty("model").GetString(),
                input = request.RootElement.GetProperty("input").GetString(),
                usage = new { input_tokens = 7, output_tokens = 3, total_tokens = 10 },
            });
        }));
        var served = "zai-org/GLM-5.2";
        await using var fleet = await TestFleet.StartAsync(twins: 0,
            model: m => m with { Backends = [new BackendConfig { Url = new Uri(backend.Urls.First()), ServedModel = served }] });

        using var response = await fleet.Client.PostAsync("v1/responses",
            TestFleet.Json($$"""{"model":"{{TestFleet.Alias}}","input":"Say hello."}"""), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await TestFleet.ReadJsonAsync(response);
        Assert.Equal(TestFleet.Alias, json.GetProperty("model").GetString()); // the backend echoed `served`
        Assert.Equal("Say hello.", json.GetProperty("input").GetString());
        var metrics = await fleet.MetricsAsync();
        Assert.Equal(7, PrometheusText.Sum(metrics, "llmfleet_gateway_prompt_tokens_total", ("model", TestFleet.Model)));
        Assert.Equal(3, PrometheusText.Sum(metrics, "llmfleet_gateway_completion_tokens_total", ("model", TestFleet.Model)));
    }

    [Fact]
    public async Task Models_ListsNamesAndAliasesInOpenAisShape()
    {
        await using var fleet = await TestFleet.StartAsync();
        var json = JsonDocument.Parse(await fleet.Client.GetStringAsync("v1/models", TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal("list", json.GetProperty("object").GetString());
        var ids = json.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()!).ToArray();
        Assert.Equal([TestFleet.Model, TestFleet.Alias], ids);
        Assert.All(json.GetProperty("data").EnumerateArray(), m => Assert.Equal("model", m.GetProperty("object").GetString()));
    }

    [Fact]
    public async Task UnknownModel_Is404ListingValidNames()
    {
        await using var fleet = await TestFleet.StartAsync();
        using var response = await fleet.PostChatAsync(TestFleet.ChatJson("gpt-4o"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var error = (await TestFleet.ReadJsonAsync(response)).GetProperty("error");
        Assert.Contains("gpt-4o", error.GetProperty("message").GetString());
        Assert.Contains("glm-5.2, glm", error.GetProperty("message").GetString());
        Assert.Equal("model", error.GetProperty("param").GetString());
        Assert.Equal(404, error.GetProperty("code").GetInt32());
    }

    [Theory]
    [InlineData("""{"model": "glm", "messages": [""", 400, "not valid JSON")]
    [InlineData("""["glm"]""", 400, "JSON object")]
    public async Task BadBody_IsAnsweredInOpenAisErrorShape(string body, int status, string message)
    {
        await using var fleet = await TestFleet.StartAsync();
        using var response = await fleet.PostChatAsync(body);
        Assert.Equal(status, (int)response.StatusCode);
        var error = (await TestFleet.ReadJsonAsync(response)).GetProperty("error");
        Assert.Contains(message, error.GetProperty("message").GetString());
        Assert.Equal(status, error.GetProperty("code").GetInt32());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task BodyOverTheLimit_Is413()
    {
        await using var fleet = await TestFleet.StartAsync(fleet: f => f with { MaxRequestBodyBytes = 1024 });
        using var response = await fleet.PostChatAsync(TestFleet.ChatJson(content: new string('x', 4096)));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("1024 bytes", (await TestFleet.ReadJsonAsync(response)).GetProperty("error").GetProperty("message").GetString());
        using var small = await fleet.PostChatAsync(TestFleet.ChatJson());
        Assert.Equal(HttpStatusCode.OK, small.StatusCode);
    }

    [Fact]
    public async Task UpstreamError_IsPassedThroughUnchanged()
    {
        await using var fleet = await TestFleet.StartAsync();
        // A prompt asking for more tokens than the context holds: vLLM's own 400, body and all.
        using var response = await fleet.PostChatAsync(TestFleet.ChatJson(maxTokens: 100_000_000));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await TestFleet.ReadJsonAsync(response)).GetProperty("error");
        Assert.Contains("max_tokens", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task HealthAndReady_ReportGatewayAndBackends()
    {
        await using var fleet = await TestFleet.StartAsync();
        using var health = await fleet.Client.GetAsync("health", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        using var ready = await fleet.Client.GetAsync("ready", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [Fact]
    public async Task NoHealthyBackend_Is503WithRetryAfter_AndNotReady()
    {
        await using var fleet = await TestFleet.StartAsync();
        await fleet.Twins[0].SetFaultsAsync(new Simulation.FaultOptions { Unhealthy = true });
        await Poll.UntilAsync(async () =>
        {
            using var ready = await fleet.Client.GetAsync("ready", TestContext.Current.CancellationToken);
            return ready.StatusCode == HttpStatusCode.ServiceUnavailable;
        }, TimeSpan.FromSeconds(10), "/ready to report the backend down");
        using var response = await fleet.PostChatAsync(TestFleet.ChatJson());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Contains("no healthy backend", (await TestFleet.ReadJsonAsync(response)).GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task HangingBackend_Is504AfterTheFirstTokenTimeout()
    {
        await using var fleet = await TestFleet.StartAsync(model: m => m with
        {
            Retries = 0,
            // Probes would see the hang too and mark the backend down (503); this test is about the request timeout.
            Health = m.Health with { Interval = TimeSpan.FromMinutes(5) },
            Timeouts = new TimeoutsConfig { FirstToken = TimeSpan.FromMilliseconds(500) },
        });
        await fleet.Twins[0].SetFaultsAsync(new Simulation.FaultOptions { Hang = true });
        using var response = await fleet.PostChatAsync(TestFleet.ChatJson());
        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal(504, (await TestFleet.ReadJsonAsync(response)).GetProperty("error").GetProperty("code").GetInt32());
    }
}
