using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text.Json;
using LlmFleet.Simulation.Tests.Hosting;
using OpenAI.Chat;
using OpenAI.Embeddings;

namespace LlmFleet.Simulation.Tests.Api;

/// <summary>The official OpenAI .NET SDK against the twin: what a client of a real vLLM relies on.</summary>
public sealed class OpenAiSdkTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ChatCompletion_MaxTokens_AnswersWithUsageAndLengthFinish()
    {
        await using var twin = await Twins.StartAsync(configure: o => o with { ReasoningParser = "none" });
        var chat = Twins.OpenAi(twin).GetChatClient(twin.ServedModelName);

        ChatCompletion completion = await chat.CompleteChatAsync(
            [new UserChatMessage("Explain expert parallelism in one paragraph.")],
            new ChatCompletionOptions { MaxOutputTokenCount = 24 }, Ct);

        Assert.Equal(ChatFinishReason.Length, completion.FinishReason);
        Assert.Equal(24, completion.Usage.OutputTokenCount);
        Assert.InRange(completion.Usage.InputTokenCount, 10, 30);
        Assert.Equal(completion.Usage.InputTokenCount + 24, completion.Usage.TotalTokenCount);
        Assert.Equal(twin.ServedModelName, completion.Model);
        Assert.StartsWith("chatcmpl-", completion.Id);
        Assert.NotEmpty(completion.Content[0].Text);
    }

    [Fact]
    public async Task ChatCompletion_SameSeed_SameText()
    {
        await using var twin = await Twins.StartAsync(configure: o => o with { ReasoningParser = "none" });
        var chat = Twins.OpenAi(twin).GetChatClient(twin.ServedModelName);
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 40, Seed = 42 };

        var first = await chat.CompleteChatAsync([new UserChatMessage("Hello")], options, Ct);
        var second = await chat.CompleteChatAsync([new UserChatMessage("Hello")], options, Ct);
        var other = await chat.CompleteChatAsync([new UserChatMessage("Hello")], new ChatCompletionOptions { MaxOutputTokenCount = 40, Seed = 43 }, Ct);

        Assert.Equal(first.Value.Content[0].Text, second.Value.Content[0].Text);
        Assert.NotEqual(first.Value.Content[0].Text, other.Value.Content[0].Text);
    }

    [Fact]
    public async Task ChatStreaming_WithUsage_ConcatenatesToTheTokenCount()
    {
        await using var twin = await Twins.StartAsync(configure: o => o with { ReasoningParser = "none" });
        var chat = Twins.OpenAi(twin).GetChatClient(twin.ServedModelName);

        var text = "";
        ChatTokenUsage? usage = null;
        ChatFinishReason? finish = null;
        var updates = 0;
        await foreach (var update in chat.CompleteChatStreamingAsync(
            [new UserChatMessage("Count to ten.")], new ChatCompletionOptions { MaxOutputTokenCount = 30 }, Ct))
        {
            updates++;
            foreach (var part in update.ContentUpdate)
            {
                text += part.Text;
            }
            usage ??= update.Usage;
            finish ??= update.FinishReason;
        }

        Assert.NotNull(usage);
        Assert.Equal(30, usage.OutputTokenCount);
        Assert.Equal(ChatFinishReason.Length, finish);
        Assert.True(updates >= 3, $"expected several chunks, got {updates}");
        Assert.False(string.IsNullOrWhiteSpace(text));
    }

    [Fact]
    public async Task ChatCompletion_RequiredTool_CallsItWithArgumentsMatchingTheSchema()
    {
        await using var twin = await Twins.StartAsync();
        var chat = Twins.OpenAi(twin).GetChatClient(twin.ServedModelName);
        var options = new ChatCompletionOptions { ToolChoice = ChatToolChoice.CreateRequiredChoice() };
        options.Tools.Add(ChatTool.CreateFunctionTool("get_weather", "Current weather for a city",
            BinaryData.FromString("""
                {"type":"object","properties":{"city":{"type":"string"},"unit":{"type":"string","enum":["celsius","fahrenheit"]},
                 "days":{"type":"integer","minimum":1,"maximum":7}},"required":["city"]}
                """)));

        ChatCompletion completion = await chat.CompleteChatAsync([new UserChatMessage("Weather in Paris?")], options, Ct);

        Assert.Equal(ChatFinishReason.ToolCalls, completion.FinishReason);
        var call = Assert.Single(completion.ToolCalls);
        Assert.Equal("get_weather", call.FunctionName);
        Assert.StartsWith("chatcmpl-tool-", call.Id);
        using var args = JsonDocument.Parse(call.FunctionArguments);
        Assert.Equal(JsonValueKind.String, args.RootElement.GetProperty("city").ValueKind);
        Assert.Equal("celsius", args.RootElement.GetProperty("unit").GetString());
        Assert.InRange(args.RootElement.GetProperty("days").GetInt32(), 1, 7);
    }

    [Fact]
    public async Task ChatStreaming_AutoTool_StreamsOneParsableCall()
    {
        await using var twin = await Twins.StartAsync();
        var chat = Twins.OpenAi(twin).GetChatClient(twin.ServedModelName);
        var options = new ChatCompletionOptions();
        options.Tools.Add(ChatTool.CreateFunctionTool("search", "Search the docs",
            BinaryData.FromString("""{"type":"object","properties":{"query":{"type":"string"},"limit":{"type":"integer"}}}""")));

        string? name = null, id = null;
        var arguments = "";
        ChatFinishReason? finish = null;
        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("Find the KV cache docs")], options, Ct))
        {
            foreach (var tool in update.ToolCallUpdates)
            {
                name ??= tool.FunctionName;
                id ??= tool.ToolCallId;
                arguments += tool.FunctionArgumentsUpdate?.ToString();
            }
            finish ??= update.FinishReason;
        }

        Assert.Equal("search", name);
        Assert.NotNull(id);
        Assert.Equal(ChatFinishReason.ToolCalls, finish);
        using var args = JsonDocument.Parse(arguments);
        Assert.True(args.RootElement.TryGetProperty("query", out _));
    }

    [Fact]
    public async Task ChatCompletion_AfterToolResult_AnswersInText()
    {
        await using var twin = await Twins.StartAsync(configure: o => o with { ReasoningParser = "none" });
        var chat = Twins.OpenAi(twin).GetChatClient(twin.ServedModelName);
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 20 };
        options.Tools.Add(ChatTool.CreateFunctionTool("search", "Search", BinaryData.FromString("""{"type":"object","properties":{}}""")));
        List<ChatMessage> messages =
        [
            new UserChatMessage("Find it"),
            new AssistantChatMessage([ChatToolCall.CreateFunctionToolCall("call_1", "search", BinaryData.FromString("{}"))]),
            new ToolChatMessage("call_1", "found: page 3"),
        ];

        ChatCompletion completion = await chat.CompleteChatAsync(messages, options, Ct);

        Assert.Empty(completion.ToolCalls);
        Assert.NotEmpty(completion.Content);
    }

    [Fact]
    public async Task Completions_ThroughTheSdkPipeline_AnswerWithTextCompletion()
    {
        await using var twin = await Twins.StartAsync();
        // The SDK's completions client is internal; its pipeline (auth, errors) sends the raw request.
        var pipeline = Twins.OpenAi(twin).GetChatClient(twin.ServedModelName).Pipeline;
        var message = pipeline.CreateMessage();
        message.Request.Method = "POST";
        message.Request.Uri = new Uri(twin.BaseAddress, "v1/completions");
        message.Request.Headers.Set("Content-Type", "application/json");
        message.Request.Content = BinaryContent.Create(BinaryData.FromString(
            $$"""{"model":"{{twin.ServedModelName}}","prompt":"The capital of France is","max_tokens":5}"""));
        message.ResponseClassifier = PipelineMessageClassifier.Create([200]);

        await pipeline.SendAsync(message);

        using var body = JsonDocument.Parse(message.Response!.Content);
        var root = body.RootElement;
        Assert.Equal("text_completion", root.GetProperty("object").GetString());
        Assert.StartsWith("cmpl-", root.GetProperty("id").GetString());
        Assert.Equal("length", root.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(5, root.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal(5, root.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }

    [Fact]
    public async Task Embeddings_PoolingTwin_UnitVectorsOfHiddenSize()
    {
        await using var twin = await Twins.StartAsync(configure: o => o with { Runner = "pooling" });
        var client = Twins.OpenAi(twin).GetEmbeddingClient(twin.ServedModelName);

        OpenAIEmbeddingCollection result = await client.GenerateEmbeddingsAsync(["first text", "second text", "first text"], cancellationToken: Ct);

        Assert.Equal(3, result.Count);
        var a = result[0].ToFloats().ToArray();
        Assert.Equal(twin.Profile.HiddenSize, a.Length);
        Assert.Equal(1.0, Math.Sqrt(a.Sum(x => (double)x * x)), 3);
        Assert.Equal(a, result[2].ToFloats().ToArray());
        Assert.NotEqual(a, result[1].ToFloats().ToArray());
        Assert.Equal(6, result.Usage.InputTokenCount); // two o200k tokens per input
    }

    [Fact]
    public async Task Models_List_ShowsTheServedModelWithItsContext()
    {
        await using var twin = await Twins.StartAsync(configure: o => o with { ServedModelName = "glm-5.2-fp8" });

        var models = (await Twins.OpenAi(twin).GetOpenAIModelClient().GetModelsAsync(Ct)).Value;

        var model = Assert.Single(models);
        Assert.Equal("glm-5.2-fp8", model.Id);
        Assert.Equal("vllm", model.OwnedBy);
    }

    [Fact]
    public async Task ChatCompletion_PromptLongerThanMaxModelLen_Is400WithVllmMessage()
    {
        await using var twin = await Twins.StartAsync(configure: o => o with { MaxModelLen = 1024, VllmVersion = "0.11" });
        var chat = Twins.OpenAi(twin).GetChatClient(twin.ServedModelName);
        var longPrompt = string.Join(' ', Enumerable.Repeat("tokens", 3000));

        var e = await Assert.ThrowsAsync<ClientResultException>(() => chat.CompleteChatAsync([new UserChatMessage(longPrompt)], cancellationToken: Ct));

        Assert.Equal(400, e.Status);
        Assert.Contains("This model's maximum context length is 1024 tokens. However, your request has", e.Message);
        using var body = JsonDocument.Parse(e.GetRawResponse()!.Content);
        var error = body.RootElement.GetProperty("error");
        Assert.Equal("BadRequestError", error.GetProperty("type").GetString());
        Assert.Equal(400, error.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task ChatCompletion_UnknownModel_Is404()
    {
        await using var twin = await Twins.StartAsync();
        var chat = Twins.OpenAi(twin).GetChatClient("no-such-model");

        var e = await Assert.ThrowsAsync<ClientResultException>(() => chat.CompleteChatAsync([new UserChatMessage("hi")], cancellationToken: Ct));

        Assert.Equal(404, e.Status);
        Assert.Contains("The model `no-such-model` does not exist.", e.Message);
    }
}
