using System.Net;
using System.Text.Json;
using LlmFleet.Simulation.Tests.Hosting;

namespace LlmFleet.Simulation.Tests.Api;

public sealed class InfoEndpointTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Health_Healthy_Is200WithEmptyBody()
    {
        await using var twin = await Twins.StartAsync();
        using var http = Twins.Http(twin);

        var response = await http.GetAsync("health", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Version_ReportsTheChosenVllmVersion()
    {
        await using var twin = await Twins.StartAsync(configure: o => o with { VllmVersion = "0.16" });
        using var http = Twins.Http(twin);

        using var body = JsonDocument.Parse(await http.GetStringAsync("version", Ct));

        Assert.Equal("0.16.0", body.RootElement.GetProperty("version").GetString());
    }

    [Fact]
    public async Task Models_DefaultName_IsTheHuggingFaceRepoWithRootAndMaxModelLen()
    {
        await using var twin = await Twins.StartAsync();
        using var http = Twins.Http(twin);

        using var body = JsonDocument.Parse(await http.GetStringAsync("v1/models", Ct));

        var card = body.RootElement.GetProperty("data")[0];
        Assert.Equal("zai-org/GLM-5.2", card.GetProperty("id").GetString());
        Assert.Equal("zai-org/GLM-5.2", card.GetProperty("root").GetString());
        Assert.Equal(twin.Profile.MaxModelLen, card.GetProperty("max_model_len").GetInt64());
        Assert.Equal("model_permission", card.GetProperty("permission")[0].GetProperty("object").GetString());
    }

    [Fact]
    public async Task Tokenize_ThenDetokenize_RoundTripsAndCountsAsChat()
    {
        await using var twin = await Twins.StartAsync();
        using var http = Twins.Http(twin);

        var tokenized = await http.SendAsync(Sse.Post("tokenize", """{"prompt":"Mixture of experts routes tokens."}"""), Ct);
        using var tokens = JsonDocument.Parse(await tokenized.Content.ReadAsStringAsync(Ct));
        var ids = tokens.RootElement.GetProperty("tokens").EnumerateArray().Select(t => t.GetInt32()).ToList();
        var detokenized = await http.SendAsync(Sse.Post("detokenize", $$"""{"tokens":[{{string.Join(',', ids)}}]}"""), Ct);
        using var text = JsonDocument.Parse(await detokenized.Content.ReadAsStringAsync(Ct));

        Assert.Equal(ids.Count, tokens.RootElement.GetProperty("count").GetInt32());
        Assert.Equal(twin.Profile.MaxModelLen, tokens.RootElement.GetProperty("max_model_len").GetInt64());
        Assert.Equal("Mixture of experts routes tokens.", text.RootElement.GetProperty("prompt").GetString());

        // The chat form counts what the chat endpoint bills as prompt tokens.
        var chatTokens = await http.SendAsync(Sse.Post("tokenize", """{"messages":[{"role":"user","content":"Hello"}]}"""), Ct);
        using var chatCount = JsonDocument.Parse(await chatTokens.Content.ReadAsStringAsync(Ct));
        var chat = await http.SendAsync(Sse.Post("v1/chat/completions", """{"messages":[{"role":"user","content":"Hello"}],"max_tokens":1}"""), Ct);
        using var usage = JsonDocument.Parse(await chat.Content.ReadAsStringAsync(Ct));
        Assert.Equal(chatCount.RootElement.GetProperty("count").GetInt32(),
            usage.RootElement.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }

    [Fact]
    public async Task Embeddings_GenerateTwin_IsNotServed()
    {
        await using var twin = await Twins.StartAsync();
        using var http = Twins.Http(twin);

        var response = await http.SendAsync(Sse.Post("v1/embeddings", """{"input":"x"}"""), Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
