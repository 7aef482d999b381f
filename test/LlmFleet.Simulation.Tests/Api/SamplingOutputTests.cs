using System.Net;
using System.Text.Json;
using Json.Schema;
using LlmFleet.Simulation.Tests.Hosting;
using OpenAI.Chat;

namespace LlmFleet.Simulation.Tests.Api;

/// <summary>
/// What clients ask of the output beyond text: structured JSON, log probabilities, echo, batched prompts, usage while
/// streaming and cached prompt tokens, in vLLM's shapes.
/// </summary>
public sealed class SamplingOutputTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Schema = """
        {"type":"object","properties":{"city":{"type":"string"},"population":{"type":"integer","minimum":0},
         "tags":{"type":"array","items":{"type":"string"}},"kind":{"type":"string","enum":["capital","town"]}},
         "required":["city","population","kind"],"additionalProperties":false}
        """;

    [Fact]
    public async Task Chat_JsonSchema_AnswerValidatesAgainstTheSchema()
    {
        await using var twin = await Twins.StartAsync(configure: o => o with { ReasoningParser = "none" });
        var chat = Twins.OpenAi(twin).GetChatClient(twin.ServedModelName);
        var options = new ChatCompletionOptions
        {
            ResponseFormat = ChatResponseFormat.CreateJsonSchemaFormat("city", BinaryData.FromString(Schema), jsonSchemaIsStrict: true),
            MaxOutputTokenCount = 500,
        };

        var completion = (await chat.CompleteChatAsync([new UserChatMessage("Describe Oslo.")], options, Ct)).Value;

        using var answer = JsonDocument.Parse(completion.Content[0].Text);
        var result = JsonSchema.FromText(Schema).Evaluate(answer.RootElement);
        Assert.True(result.IsValid, completion.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
    }

    [Fact]
    public async Task Chat_JsonObject_AnswerIsAJsonObject()
    {
        await using var twin = await Twins.StartAsync(configure: o => o with { ReasoningParser = "none" });
        var chat = Twins.OpenAi(twin).GetChatClient(twin.ServedModelName);

        var completion = (await chat.CompleteChatAsync([new UserChatMessage("Answer in JSON.")],
            new ChatCompletionOptions { ResponseFormat = ChatResponseFormat.CreateJsonObjectFormat() }, Ct)).Value;

        using var answer = JsonDocument.Parse(completion.Content[0].Text);
        Assert.Equal(JsonValueKind.Object, answer.RootElement.ValueKind);
    }

    [Fact]
    public async Task Chat_Logprobs_OnePerTokenWithTopCandidates_SameForTheSameSeed()
    {
        await using var twin = await Twins.StartAsync(configure: o => o with { ReasoningParser = "none" });
        var chat = Twins.OpenAi(twin).GetChatClient(twin.ServedModelName);
        var options = new ChatCompletionOptions { IncludeLogProbabilities = true, TopLogProbabilityCount = 3, MaxOutputTokenCount = 12, Seed = 42 };

        var first = (await chat.CompleteChatAsync([new UserChatMessage("Hi")], options, Ct)).Value;
        var second = (await chat.CompleteChatAsync([new UserChatMessage("Hi")], options, Ct)).Value;

        Assert.Equal(first.Usage.OutputTokenCount, first.ContentTokenLogProbabilities.Count);
        Assert.Equal(first.Content[0].Text, string.Concat(first.ContentTokenLogProbabilities.Select(t => t.Token)));
        Assert.All(first.ContentTokenLogProbabilities, t =>
        {
            Assert.InRange(t.LogProbability, -100, 0);
            Assert.Equal(3, t.TopLogProbabilities.Count);
            Assert.Equal(t.Token, t.TopLogProbabilities[0].Token);
            Assert.Equal(3, t.TopLogProbabilities.Select(a => a.Token).Distinct().Count());
        });
        Assert.Equal(first.ContentTokenLogProbabilities.Select(t => t.LogProbability), second.ContentTokenLogProbabilities.Select(t => t.LogProbability));
    }

    [Fact]
    public async Task Chat_TopLogprobsWithoutLogprobs_Is400AsVllm()
    {
        await using var twin = await Twins.StartAsync();
        using var http = Twins.Http(twin);

        var response = await http.SendAsync(Sse.Post("v1/chat/completions",
            """{"messages":[{"role":"user","content":"Hi"}],"top_logprobs":2}"""), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        var error = body.RootElement.GetProperty("error");
        Assert.Equal("when using `top_logprobs`, `logprobs` must be set to true.", error.GetProperty("message").GetString());
        Assert.Equal("BadRequestError", error.GetProperty("type").GetString());
        Assert.Equal("top_logprobs", error.GetProperty("param").GetString());
    }

    [Fact]
    public async Task Completions_BatchedPrompts_LenPromptsTimesNChoicesInVllmsOrder()
    {
        await using var twin = await Twins.StartAsync();
        using var http = Twins.Http(twin);
        var one = await PromptTokensAsync(http, "The first prompt");
        var two = await PromptTokensAsync(http, "A second, longer prompt than the first");

        var response = await http.SendAsync(Sse.Post("v1/completions",
            """{"prompt":["The first prompt","A second, longer prompt than the first"],"n":2,"max_tokens":5,"seed":3}"""), Ct);

        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        var choices = body.RootElement.GetProperty("choices").EnumerateArray().ToList();
        Assert.Equal([0, 1, 2, 3], choices.Select(c => c.GetProperty("index").GetInt32()));
        Assert.All(choices, c => Assert.False(string.IsNullOrEmpty(c.GetProperty("text").GetString())));
        var usage = body.RootElement.GetProperty("usage");
        Assert.Equal(one + two, usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(20, usage.GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task Completions_EchoWithLogprobs_PromptFirstWithoutLogprobThenTheAnswer()
    {
        await using var twin = await Twins.StartAsync();
        using var http = Twins.Http(twin);
        var promptTokens = await PromptTokensAsync(http, "Once upon a time");

        var response = await http.SendAsync(Sse.Post("v1/completions",
            """{"prompt":"Once upon a time","max_tokens":6,"echo":true,"logprobs":2,"ignore_eos":true}"""), Ct);

        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        var choice = body.RootElement.GetProperty("choices")[0];
        var text = choice.GetProperty("text").GetString()!;
        Assert.StartsWith("Once upon a time", text);
        var logprobs = choice.GetProperty("logprobs");
        var tokens = logprobs.GetProperty("tokens").EnumerateArray().Select(t => t.GetString()).ToList();
        Assert.Equal(promptTokens + 6, tokens.Count);
        Assert.Equal(text, string.Concat(tokens));
        Assert.Equal(JsonValueKind.Null, logprobs.GetProperty("token_logprobs")[0].ValueKind);
        Assert.Equal(JsonValueKind.Null, logprobs.GetProperty("top_logprobs")[0].ValueKind);
        Assert.Equal(2, logprobs.GetProperty("top_logprobs")[promptTokens].EnumerateObject().Count());
        var offsets = logprobs.GetProperty("text_offset").EnumerateArray().Select(o => o.GetInt32()).ToList();
        Assert.Equal(0, offsets[0]);
        Assert.Equal(tokens[0]!.Length, offsets[1]);
    }

    [Fact]
    public async Task Stream_ContinuousUsageStats_EveryChunkCountsItsChoicesTokens()
    {
        await using var twin = await Twins.StartAsync(configure: o => o with { ReasoningParser = "none" });
        using var http = Twins.Http(twin);

        var (_, events) = await Sse.ReadAllAsync(http, "v1/chat/completions",
            """{"messages":[{"role":"user","content":"Hi"}],"max_tokens":8,"stream":true,"stream_options":{"include_usage":true,"continuous_usage_stats":true}}""", Ct);

        var chunks = events.Where(e => !e.IsDone).Select(e => e.Json).ToList();
        var withChoices = chunks.Where(c => c.GetProperty("choices").GetArrayLength() > 0).ToList();
        Assert.All(withChoices, c => Assert.True(c.TryGetProperty("usage", out _)));
        var completion = withChoices.Select(c => c.GetProperty("usage").GetProperty("completion_tokens").GetInt32()).ToList();
        Assert.Equal(completion.Order(), completion);
        Assert.Equal(8, completion[^1]);
        Assert.Equal(8, chunks[^1].GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task Stream_RoleChunk_ComesWithTheFirstTokenNotBeforePrefill()
    {
        // Each step costs 0.3 s: the first token (and vLLM's role chunk with it) cannot exist before one step has run.
        await using var twin = await Twins.StartSmallAsync(100_000, new LinearStepTime(0.3, 0, 0));
        using var http = Twins.Http(twin);

        var (_, events) = await Sse.ReadAllAsync(http, "v1/chat/completions",
            """{"messages":[{"role":"user","content":"Hi"}],"max_tokens":2,"stream":true}""", Ct);

        var role = events[0];
        Assert.Equal("assistant", role.Json.GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());
        Assert.True(role.At >= TimeSpan.FromSeconds(0.25), $"role chunk after {role.At.TotalSeconds:F3} s");
        Assert.True(events[1].At - role.At < TimeSpan.FromSeconds(0.2), "the first token comes in the same step");
    }

    [Fact]
    public async Task Usage_PromptTokensDetails_CachedTokensFromThePrefixCacheWhenEnabled()
    {
        await using var twin = await Twins.StartAsync(configure: o => o with { EnablePromptTokensDetails = true });
        var chat = Twins.OpenAi(twin).GetChatClient(twin.ServedModelName);
        var prompt = string.Join(' ', Enumerable.Repeat("a shared system prompt of some length", 40));
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 2 };

        var cold = (await chat.CompleteChatAsync([new UserChatMessage(prompt)], options, Ct)).Value;
        var warm = (await chat.CompleteChatAsync([new UserChatMessage(prompt)], options, Ct)).Value;

        Assert.Equal(0, cold.Usage.InputTokenDetails.CachedTokenCount);
        Assert.InRange(warm.Usage.InputTokenDetails.CachedTokenCount, warm.Usage.InputTokenCount - 16, warm.Usage.InputTokenCount - 1);
        Assert.Equal(0, warm.Usage.InputTokenDetails.CachedTokenCount % 16); // whole KV blocks, as vLLM caches them
    }

    private static async Task<int> PromptTokensAsync(HttpClient http, string prompt)
    {
        var response = await http.SendAsync(Sse.Post("tokenize", JsonSerializer.Serialize(new { prompt })), Ct);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return body.RootElement.GetProperty("count").GetInt32();
    }
}
