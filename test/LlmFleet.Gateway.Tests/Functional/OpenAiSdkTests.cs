using LlmFleet.Gateway.Configuration;
using LlmFleet.Gateway.Hosting;
using LlmFleet.Simulation;
using OpenAI.Chat;
using OpenAI.Embeddings;

namespace LlmFleet.Gateway.Tests.Functional;

/// <summary>The official OpenAI .NET SDK, unchanged, pointed at the gateway.</summary>
public sealed class OpenAiSdkTests
{
    [Fact]
    public async Task Chat_CompleteChat_ReturnsTextAndUsage()
    {
        await using var fleet = await TestFleet.StartAsync();
        var chat = fleet.OpenAi().GetChatClient(TestFleet.Alias);
        ChatCompletion completion = await chat.CompleteChatAsync([new UserChatMessage("Name three GPUs.")],
            new ChatCompletionOptions { MaxOutputTokenCount = 12 }, TestContext.Current.CancellationToken);
        Assert.False(string.IsNullOrEmpty(completion.Content[0].Text));
        Assert.True(completion.Usage.OutputTokenCount > 0);
    }

    [Fact]
    public async Task Chat_Streaming_DeliversUpdatesAndFinishReason()
    {
        await using var fleet = await TestFleet.StartAsync();
        var chat = fleet.OpenAi().GetChatClient(TestFleet.Model);
        var text = "";
        ChatFinishReason? finish = null;
        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("Count to five.")],
            new ChatCompletionOptions { MaxOutputTokenCount = 10 }, TestContext.Current.CancellationToken))
        {
            text += string.Concat(update.ContentUpdate.Select(p => p.Text));
            finish ??= update.FinishReason;
        }
        Assert.False(string.IsNullOrEmpty(text));
        Assert.NotNull(finish);

        // The SDK asks for usage in streams: the gateway's tee counted the tokens.
        var metrics = await fleet.MetricsAsync();
        Assert.True(Vllm.Metrics.PrometheusText.Sum(metrics, "llmfleet_gateway_completion_tokens_total") > 0);
    }

    [Fact]
    public async Task Chat_Tools_ReturnsAToolCall()
    {
        await using var fleet = await TestFleet.StartAsync();
        var chat = fleet.OpenAi().GetChatClient(TestFleet.Model);
        var tool = ChatTool.CreateFunctionTool("get_gpu_price", "Price of a GPU per hour",
            BinaryData.FromString("""{"type":"object","properties":{"gpu":{"type":"string"}},"required":["gpu"]}"""));
        var options = new ChatCompletionOptions { Tools = { tool }, ToolChoice = ChatToolChoice.CreateFunctionChoice("get_gpu_price"), MaxOutputTokenCount = 64 };
        ChatCompletion completion = await chat.CompleteChatAsync([new UserChatMessage("What does an H200 cost?")], options, TestContext.Current.CancellationToken);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason); // vLLM answers "stop" for a named tool_choice
        Assert.Equal("get_gpu_price", Assert.Single(completion.ToolCalls).FunctionName);
    }

    [Fact]
    public async Task Models_ListsConfiguredNames()
    {
        await using var fleet = await TestFleet.StartAsync();
        var models = await fleet.OpenAi().GetOpenAIModelClient().GetModelsAsync(TestContext.Current.CancellationToken);
        Assert.Equal([TestFleet.Model, TestFleet.Alias], models.Value.Select(m => m.Id));
    }

    [Fact]
    public async Task Embeddings_FromAPoolingBackend()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var embedder = await TwinHost.StartAsync(FleetBuilder.PlainTwin(0) with { Runner = "pooling" }, ct: ct);
        var config = new FleetConfig
        {
            Models = [new ModelConfig
            {
                Name = "embed",
                Backends = [new BackendConfig { Url = embedder.BaseAddress, ServedModel = embedder.ServedModelName }],
            }],
        };
        await using var gateway = await FleetBuilder.StartGatewayAsync(new GatewayOptions { Config = config });
        var client = new OpenAI.OpenAIClient(new System.ClientModel.ApiKeyCredential("sk-unused"),
            new OpenAI.OpenAIClientOptions { Endpoint = gateway.OpenAiEndpoint });
        OpenAIEmbeddingCollection embeddings = await client.GetEmbeddingClient("embed").GenerateEmbeddingsAsync(["first", "second"], cancellationToken: ct);
        Assert.Equal(2, embeddings.Count);
        Assert.True(embeddings[0].ToFloats().Length > 0);
    }
}
