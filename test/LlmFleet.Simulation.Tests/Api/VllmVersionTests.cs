using System.Net;
using System.Text.Json;
using LlmFleet.Simulation.Tests.Hosting;

namespace LlmFleet.Simulation.Tests.Api;

/// <summary>What <c>--vllm-version</c> changes on the wire, read raw as a client of that vLLM version would.</summary>
public sealed class VllmVersionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("0.11", "reasoning_content", "reasoning")]
    [InlineData("0.16", "reasoning", "reasoning_content")]
    [InlineData("latest", "reasoning", "reasoning_content")]
    public async Task Chat_ReasoningField_IsTheVersionsName(string version, string field, string absent)
    {
        await using var twin = await Twins.StartAsync(configure: o => o with { VllmVersion = version });
        using var http = Twins.Http(twin);
        const string Request = """{"messages":[{"role":"user","content":"Why?"}],"max_tokens":60,"ignore_eos":true""";

        var response = await http.SendAsync(Sse.Post("v1/chat/completions", Request + "}"), Ct);
        var (_, events) = await Sse.ReadAllAsync(http, "v1/chat/completions", Request + ""","stream":true}""", Ct);

        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        var message = body.RootElement.GetProperty("choices")[0].GetProperty("message");
        Assert.False(string.IsNullOrWhiteSpace(message.GetProperty(field).GetString()));
        Assert.False(message.TryGetProperty(absent, out _));
        var deltas = events.Where(e => !e.IsDone).Select(e => e.Json.GetProperty("choices")[0].GetProperty("delta")).ToList();
        Assert.Contains(deltas, d => d.TryGetProperty(field, out _));
        Assert.DoesNotContain(deltas, d => d.TryGetProperty(absent, out _));
    }

    [Fact]
    public async Task Chat_PromptTooLong_011_HasTheOldWordingAndNoParam()
    {
        await using var twin = await Twins.StartAsync(configure: o => o with { MaxModelLen = 1024, VllmVersion = "0.11" });

        var error = await OverflowAsync(twin, maxTokens: null);

        Assert.StartsWith("This model's maximum context length is 1024 tokens. However, your request has ", error.GetProperty("message").GetString());
        Assert.Equal(JsonValueKind.Null, error.GetProperty("param").ValueKind);
    }

    [Theory]
    [InlineData("0.16")]
    [InlineData("latest")]
    public async Task Chat_PromptTooLong_016AndLater_NamesInputTokens(string version)
    {
        await using var twin = await Twins.StartAsync(configure: o => o with { MaxModelLen = 1024, VllmVersion = version });

        var error = await OverflowAsync(twin, maxTokens: 100);

        var message = error.GetProperty("message").GetString()!;
        Assert.Matches(@"^You passed \d+ input tokens and requested 100 output tokens\. However, the model's context length is only 1024 tokens, resulting in a maximum input length of 924 tokens\. Please reduce the length of the input prompt\. \(parameter=input_tokens, value=\d+\)$", message);
        Assert.Equal("input_tokens", error.GetProperty("param").GetString());
        Assert.Equal(400, error.GetProperty("code").GetInt32());
    }

    [Theory]
    [InlineData("""{"type":"function","function":{"name":"get_weather"}}""", "stop")]
    [InlineData("\"required\"", "tool_calls")]
    [InlineData("\"auto\"", "tool_calls")]
    public async Task Chat_ToolCall_FinishReasonFollowsToolChoiceAsVllm(string toolChoice, string finishReason)
    {
        await using var twin = await Twins.StartAsync();
        using var http = Twins.Http(twin);

        var response = await http.SendAsync(Sse.Post("v1/chat/completions",
            """{"messages":[{"role":"user","content":"Weather in Oslo?"}],"max_tokens":300,"tool_choice":""" + toolChoice +
            ""","tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}]}"""), Ct);

        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        var choice = body.RootElement.GetProperty("choices")[0];
        Assert.Equal("get_weather", choice.GetProperty("message").GetProperty("tool_calls")[0].GetProperty("function").GetProperty("name").GetString());
        Assert.Equal(finishReason, choice.GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task Start_UnknownVersion_IsRefusedWithTheChoices()
    {
        var e = await Assert.ThrowsAsync<ArgumentException>(() => Twins.StartAsync(configure: o => o with { VllmVersion = "0.9" }));

        Assert.Contains("0.11, 0.16, latest", e.Message);
    }

    private static async Task<JsonElement> OverflowAsync(RunningTwin twin, int? maxTokens)
    {
        using var http = Twins.Http(twin);
        var prompt = string.Join(' ', Enumerable.Repeat("tokens", 3000));
        var max = maxTokens is { } m ? $",\"max_tokens\":{m}" : "";
        var response = await http.SendAsync(Sse.Post("v1/chat/completions",
            $$"""{"messages":[{"role":"user","content":"{{prompt}}"}]{{max}}}"""), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("error").Clone();
    }
}
