using System.Net;
using System.Text.Json;
using LlmFleet.Gateway.Configuration;
using LlmFleet.Vllm.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace LlmFleet.Gateway.Tests.Functional;

/// <summary>vLLM's routes beyond chat and completions through the gateway: Anthropic's Messages API, rerank, score,
/// pooling, classify, <c>/version</c>, <c>/ping</c>, <c>max_model_len</c> in the model list, and the default model.</summary>
public sealed class RouteTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    /// <summary>A stand-in for vLLM that answers <paramref name="path"/> with what it received: the path and the
    /// body's <c>model</c>.</summary>
    private static Task<WebApplication> StartEchoBackendAsync(string path) => TestFleet.StartStandInAsync(app => app.MapPost(path, async (HttpContext http) =>
    {
        using var body = await JsonDocument.ParseAsync(http.Request.Body);
        var received = body.RootElement.GetProperty("model").GetString();
        return Results.Json(new { path = http.Request.Path.Value, received, model = received });
    }));

    private static BackendConfig Backend(WebApplication app, string? served = null) => new() { Url = new Uri(app.Urls.First()), ServedModel = served };

    [Theory]
    [InlineData("/v1/messages/count_tokens")]
    [InlineData("/rerank")]
    [InlineData("/v1/rerank")]
    [InlineData("/v2/rerank")]
    [InlineData("/score")]
    [InlineData("/v1/score")]
    [InlineData("/pooling")]
    [InlineData("/classify")]
    public async Task VllmRoute_IsForwardedByModel_UnderTheBackendsServedName(string path)
    {
        await using var backend = await StartEchoBackendAsync(path);
        await using var fleet = await TestFleet.StartAsync(twins: 0, model: m => m with { Backends = [Backend(backend, "zai-org/GLM-5.2")] });

        using var response = await fleet.Client.PostAsync(path.TrimStart('/'), TestFleet.Json($$"""{"model":"{{TestFleet.Alias}}","query":"q","documents":["a","b"]}"""), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await TestFleet.ReadJsonAsync(response);
        Assert.Equal(path, json.GetProperty("path").GetString());
        Assert.Equal("zai-org/GLM-5.2", json.GetProperty("received").GetString());
        Assert.Equal(TestFleet.Alias, json.GetProperty("model").GetString()); // the answer under the client's name
    }

    [Fact]
    public async Task AnthropicMessages_PlainAndStreamed_AreForwarded_AndTheirUsageIsCounted()
    {
        // The twin does not serve /v1/messages yet; this stand-in answers as vLLM's Anthropic route does.
        await using var backend = await TestFleet.StartStandInAsync(app => app.MapPost("/v1/messages", async (HttpContext http) =>
        {
            using var body = await JsonDocument.ParseAsync(http.Request.Body);
            var model = body.RootElement.GetProperty("model").GetString();
            if (!body.RootElement.TryGetProperty("stream", out var stream) || !stream.GetBoolean())
            {
                await http.Response.WriteAsJsonAsync(new
                {
                    id = "msg_1", type = "message", role = "assistant", model,
                    content = new[] { new { type = "text", text = "Hello." } },
                    stop_reason = "end_turn",
                    usage = new { input_tokens = 10, cache_read_input_tokens = 30, output_tokens = 4 },
                });
                return;
            }
            http.Response.ContentType = "text/event-stream";
            await http.Response.WriteAsync("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_2\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"" + model
                + "\",\"content\":[],\"usage\":{\"input_tokens\":12,\"output_tokens\":0}}}\n\n");
            await http.Response.WriteAsync("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}\n\n");
            await http.Response.WriteAsync("event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":6}}\n\n");
            await http.Response.WriteAsync("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
        }));
        await using var fleet = await TestFleet.StartAsync(twins: 0, model: m => m with { Backends = [Backend(backend, "zai-org/GLM-5.2")] });

        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/messages")
        {
            Content = TestFleet.Json($$"""{"model":"{{TestFleet.Alias}}","max_tokens":64,"messages":[{"role":"user","content":"Say hello."}]}"""),
        };
        request.Headers.Add("x-api-key", "sk-unused");
        request.Headers.Add("anthropic-version", "2023-06-01");
        using var plain = await fleet.Client.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        var message = await TestFleet.ReadJsonAsync(plain);
        Assert.Equal(TestFleet.Alias, message.GetProperty("model").GetString()); // sent as zai-org/GLM-5.2, answered under the alias
        Assert.Equal("Hello.", message.GetProperty("content")[0].GetProperty("text").GetString());

        using var streamed = await fleet.Client.PostAsync("v1/messages",
            TestFleet.Json($$"""{"model":"{{TestFleet.Model}}","max_tokens":64,"stream":true,"messages":[{"role":"user","content":"Say hi."}]}"""), Ct);
        var events = await streamed.Content.ReadAsStringAsync(Ct);
        Assert.Contains("event: message_stop", events);
        Assert.Contains($"\"model\":\"{TestFleet.Model}\"", events); // inside message_start's message

        var metrics = await fleet.MetricsAsync();
        // Input tokens plus cache reads (40) and then 12; output 4 and then 6 (message_delta's running total).
        Assert.Equal(52, PrometheusText.Sum(metrics, "llmfleet_gateway_prompt_tokens_total", ("model", TestFleet.Model)));
        Assert.Equal(10, PrometheusText.Sum(metrics, "llmfleet_gateway_completion_tokens_total", ("model", TestFleet.Model)));
        Assert.Equal(2, PrometheusText.Sum(metrics, "llmfleet_gateway_requests_total", ("model", TestFleet.Model), ("status", "200")));
    }

    [Fact]
    public async Task Models_CarryTheBackendsMaxModelLen_VersionAndPingAnswer()
    {
        await using var fleet = await new FleetBuilder().Twins([FleetBuilder.PlainTwin() with { MaxModelLen = 4096 }]).StartAsync();

        var models = JsonDocument.Parse(await fleet.Client.GetStringAsync("v1/models", Ct)).RootElement.GetProperty("data");
        Assert.All(models.EnumerateArray(), m => Assert.Equal(4096, m.GetProperty("max_model_len").GetInt64()));

        using var twin = new HttpClient { BaseAddress = fleet.Twins[0].BaseAddress };
        Assert.Equal(await twin.GetStringAsync("version", Ct), await fleet.Client.GetStringAsync("version", Ct));
        using var ping = await fleet.Client.GetAsync("ping", Ct);
        Assert.Equal(HttpStatusCode.OK, ping.StatusCode);
    }

    [Fact]
    public async Task RequestWithoutModel_GoesToTheOnlyModel()
    {
        await using var fleet = await TestFleet.StartAsync();
        using var response = await fleet.PostChatAsync("""{"messages":[{"role":"user","content":"Say hello."}],"max_tokens":4}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, PrometheusText.Sum(await fleet.MetricsAsync(), "llmfleet_gateway_requests_total", ("model", TestFleet.Model), ("status", "200")));
    }

    [Theory]
    [InlineData(null, 400)]
    [InlineData("second", 200)]
    public async Task RequestWithoutModel_SeveralModels_GoesToDefaultModel_Else400(string? defaultModel, int expected)
    {
        await using var fleet = await TestFleet.StartAsync(fleet: f => f with
        {
            Models = [f.Models[0], f.Models[0] with { Name = "second", Aliases = [] }],
            DefaultModel = defaultModel,
        });

        using var response = await fleet.PostChatAsync("""{"messages":[{"role":"user","content":"Say hello."}],"max_tokens":4}""");

        Assert.Equal(expected, (int)response.StatusCode);
        if (expected == 400)
        {
            var error = (await TestFleet.ReadJsonAsync(response)).GetProperty("error");
            Assert.Equal("model", error.GetProperty("param").GetString());
            Assert.Contains("default_model", error.GetProperty("message").GetString());
        }
        else
        {
            Assert.Equal(1, PrometheusText.Sum(await fleet.MetricsAsync(), "llmfleet_gateway_requests_total", ("model", "second"), ("status", "200")));
        }
    }

    [Theory]
    [InlineData("/v1/audio/transcriptions")]
    [InlineData("/v1/audio/translations")]
    public async Task AudioUpload_IsRoutedByItsModelField_AndForwardedWithTheServedName(string path)
    {
        // The twin has no audio routes: this stand-in reads the form as vLLM's would and echoes what it got.
        await using var backend = await TestFleet.StartStandInAsync(app => app.MapPost(path, async (HttpContext http) =>
        {
            var form = await http.Request.ReadFormAsync();
            await using var file = form.Files["file"]!.OpenReadStream();
            using var copy = new MemoryStream();
            await file.CopyToAsync(copy);
            return Results.Json(new { model = form["model"].ToString(), language = form["language"].ToString(), file_bytes = Convert.ToHexString(copy.ToArray()) });
        }));
        await using var fleet = await TestFleet.StartAsync(twins: 0, model: m => m with { Backends = [Backend(backend, "openai/whisper-large-v3")] });
        var audio = new byte[4096];
        new Random(18).NextBytes(audio);
        audio[100] = (byte)'}'; // binary content that must not be touched

        using var form = new MultipartFormDataContent
        {
            { new StringContent("en"), "language" },
            { new ByteArrayContent(audio), "file", "model.wav" },
            { new StringContent(TestFleet.Alias), "model" },
        };
        using var response = await fleet.Client.PostAsync(path.TrimStart('/'), form, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await TestFleet.ReadJsonAsync(response);
        Assert.Equal("openai/whisper-large-v3", json.GetProperty("model").GetString());
        Assert.Equal("en", json.GetProperty("language").GetString());
        Assert.Equal(Convert.ToHexString(audio), json.GetProperty("file_bytes").GetString());
    }

    [Fact]
    public async Task AudioUpload_UnknownModelField_Is404()
    {
        await using var fleet = await TestFleet.StartAsync();
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent([1, 2, 3]), "file", "a.wav" },
            { new StringContent("whisper-1"), "model" },
        };
        using var response = await fleet.Client.PostAsync("v1/audio/transcriptions", form, Ct);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("whisper-1", (await TestFleet.ReadJsonAsync(response)).GetProperty("error").GetProperty("message").GetString());
    }
}
