using System.Net;
using System.Text.Json;
using LlmFleet.Simulation.Tests.Hosting;

namespace LlmFleet.Simulation.Tests.Api;

/// <summary>The JSON and SSE shapes vLLM sends, read raw: what gateways and clients other than the SDK parse.</summary>
public sealed class ChatShapeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Chat_GlmReasoning_SplitsReasoningFromContent()
    {
        await using var twin = await Twins.StartAsync();
        using var http = Twins.Http(twin);

        var response = await http.SendAsync(Sse.Post("v1/chat/completions",
            """{"messages":[{"role":"user","content":"Why is the sky blue?"}],"max_tokens":400,"ignore_eos":true}"""), Ct);

        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        var message = body.RootElement.GetProperty("choices")[0].GetProperty("message");
        Assert.False(string.IsNullOrWhiteSpace(message.GetProperty("reasoning").GetString()));
        Assert.False(message.TryGetProperty("reasoning_content", out _)); // gone since vLLM 0.16
        Assert.False(string.IsNullOrWhiteSpace(message.GetProperty("content").GetString()));
        Assert.Equal("assistant", message.GetProperty("role").GetString());
    }

    [Fact]
    public async Task Chat_ThinkingDisabled_HasNullReasoning()
    {
        await using var twin = await Twins.StartAsync();
        using var http = Twins.Http(twin);

        var response = await http.SendAsync(Sse.Post("v1/chat/completions",
            """{"messages":[{"role":"user","content":"Hi"}],"max_tokens":50,"chat_template_kwargs":{"enable_thinking":false}}"""), Ct);

        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        var message = body.RootElement.GetProperty("choices")[0].GetProperty("message");
        Assert.Equal(JsonValueKind.Null, message.GetProperty("reasoning").ValueKind);
    }

    [Fact]
    public async Task Chat_N3_ThreeDifferentChoicesAndSummedUsage()
    {
        await using var twin = await Twins.StartAsync(configure: o => o with { ReasoningParser = "none" });
        using var http = Twins.Http(twin);

        var response = await http.SendAsync(Sse.Post("v1/chat/completions",
            """{"messages":[{"role":"user","content":"Hi"}],"max_tokens":12,"n":3}"""), Ct);

        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        var choices = body.RootElement.GetProperty("choices").EnumerateArray().ToList();
        Assert.Equal([0, 1, 2], choices.Select(c => c.GetProperty("index").GetInt32()));
        Assert.Equal(3, choices.Select(c => c.GetProperty("message").GetProperty("content").GetString()).Distinct().Count());
        Assert.Equal(36, body.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task Chat_StopString_EndsBeforeItWithStopReason()
    {
        await using var twin = await Twins.StartAsync(configure: o => o with { ReasoningParser = "none" });
        using var http = Twins.Http(twin);
        // The pseudo-text uses a fixed vocabulary; "the" is frequent enough to appear in 500 tokens.
        var response = await http.SendAsync(Sse.Post("v1/chat/completions",
            """{"messages":[{"role":"user","content":"Hi"}],"max_tokens":500,"ignore_eos":true,"stop":[" the "],"seed":1}"""), Ct);

        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        var choice = body.RootElement.GetProperty("choices")[0];
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
        Assert.Equal(" the ", choice.GetProperty("stop_reason").GetString());
        Assert.DoesNotContain(" the ", choice.GetProperty("message").GetProperty("content").GetString());
        Assert.True(body.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32() < 500);
    }

    [Fact]
    public async Task ChatStream_Frames_RoleFirstThenDeltasFinishUsageAndDone()
    {
        await using var twin = await Twins.StartAsync(configure: o => o with { ReasoningParser = "none" });
        using var http = Twins.Http(twin);

        var (response, events) = await Sse.ReadAllAsync(http, "v1/chat/completions",
            """{"messages":[{"role":"user","content":"Hi"}],"max_tokens":10,"stream":true,"stream_options":{"include_usage":true}}""", Ct);

        Assert.Equal("text/event-stream; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.True(events[^1].IsDone);
        var chunks = events.SkipLast(1).Select(e => e.Json).ToList();
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString()));
        Assert.Single(chunks.Select(c => c.GetProperty("id").GetString()).Distinct());
        Assert.Equal("assistant", chunks[0].GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());
        var usage = chunks[^1];
        Assert.Equal(0, usage.GetProperty("choices").GetArrayLength());
        Assert.Equal(10, usage.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        var last = chunks[^2].GetProperty("choices")[0];
        Assert.Equal("length", last.GetProperty("finish_reason").GetString());
        Assert.All(chunks.Skip(1).SkipLast(2), c => Assert.Equal(JsonValueKind.Null,
            c.GetProperty("choices")[0].GetProperty("finish_reason").ValueKind));
    }

    [Fact]
    public async Task ChatStream_WithoutIncludeUsage_HasNoUsageChunk()
    {
        await using var twin = await Twins.StartAsync(configure: o => o with { ReasoningParser = "none" });
        using var http = Twins.Http(twin);

        var (_, events) = await Sse.ReadAllAsync(http, "v1/chat/completions",
            """{"messages":[{"role":"user","content":"Hi"}],"max_tokens":5,"stream":true}""", Ct);

        Assert.True(events[^1].IsDone);
        Assert.All(events.SkipLast(1), e => Assert.False(e.Json.TryGetProperty("usage", out _)));
    }

    [Fact]
    public async Task Chat_MaxTokensBeyondContext_Is400()
    {
        await using var twin = await Twins.StartAsync(configure: o => o with { MaxModelLen = 2048, VllmVersion = "0.11" });
        using var http = Twins.Http(twin);

        var response = await http.SendAsync(Sse.Post("v1/chat/completions",
            """{"messages":[{"role":"user","content":"Hi"}],"max_tokens":4000}"""), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("'max_tokens' or 'max_completion_tokens' is too large: 4000", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Chat_NotJson_Is400WithErrorBody()
    {
        await using var twin = await Twins.StartAsync();
        using var http = Twins.Http(twin);

        var response = await http.SendAsync(Sse.Post("v1/chat/completions", "{ not json"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(400, body.RootElement.GetProperty("error").GetProperty("code").GetInt32());
    }
}
