using System.Net;
using System.Text.Json;
using LlmFleet.Simulation.Tests.Hosting;

namespace LlmFleet.Simulation.Tests.Api;

/// <summary>vLLM's <c>prompt_logprobs</c>: what eval harnesses read to score a prompt (perplexity, multiple choice).</summary>
public sealed class PromptLogprobsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(HttpClient http, string path, string json)
    {
        using var response = await http.SendAsync(Sse.Post(path, json), Ct);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.Clone());
    }

    [Fact]
    public async Task Completions_NullFirst_ThenThePromptTokenAtItsRankAndTheTopK_SameForTheSameSeed()
    {
        await using var twin = await Twins.StartAsync();
        using var http = Twins.Http(twin);
        const string prompt = "The scheduler batches every request it can fit.";
        var (_, tokenized) = await PostAsync(http, "tokenize", $$"""{"prompt":"{{prompt}}"}""");
        var ids = tokenized.GetProperty("tokens").EnumerateArray().Select(t => t.GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var body = $$"""{"prompt":"{{prompt}}","max_tokens":3,"prompt_logprobs":3,"seed":11}""";

        var (status, first) = await PostAsync(http, "v1/completions", body);
        var (_, second) = await PostAsync(http, "v1/completions", body);

        Assert.Equal(HttpStatusCode.OK, status);
        var entries = first.GetProperty("choices")[0].GetProperty("prompt_logprobs").EnumerateArray().ToList();
        Assert.Equal(ids.Count, entries.Count);
        Assert.Equal(JsonValueKind.Null, entries[0].ValueKind);
        for (var t = 1; t < entries.Count; t++)
        {
            var candidates = entries[t].EnumerateObject().ToList();
            var own = entries[t].GetProperty(ids[t]); // the prompt's own token is always there
            Assert.True(own.GetProperty("rank").GetInt32() >= 1);
            Assert.Equal(Enumerable.Range(1, 3), candidates.Select(c => c.Value.GetProperty("rank").GetInt32()).Where(r => r <= 3).Order());
            Assert.InRange(candidates.Count, 3, 4);
            var byRank = candidates.OrderBy(c => c.Value.GetProperty("rank").GetInt32()).Select(c => c.Value.GetProperty("logprob").GetDouble()).ToList();
            Assert.True(byRank[0] <= 0);
            Assert.Equal(byRank.OrderDescending(), byRank);
            Assert.All(candidates, c => Assert.False(string.IsNullOrEmpty(c.Value.GetProperty("decoded_token").GetString())));
        }
        Assert.Equal(first.GetProperty("choices")[0].GetProperty("prompt_logprobs").GetRawText(),
            second.GetProperty("choices")[0].GetProperty("prompt_logprobs").GetRawText());
    }

    [Fact]
    public async Task Chat_Zero_GivesOnlyThePromptsOwnTokenPerPosition_AtTheTopLevel()
    {
        await using var twin = await Twins.StartAsync();
        using var http = Twins.Http(twin);

        var (status, response) = await PostAsync(http, "v1/chat/completions",
            """{"messages":[{"role":"user","content":"Hi there"}],"max_tokens":2,"prompt_logprobs":0}""");

        Assert.Equal(HttpStatusCode.OK, status);
        var entries = response.GetProperty("prompt_logprobs").EnumerateArray().ToList();
        Assert.Equal(response.GetProperty("usage").GetProperty("prompt_tokens").GetInt32(), entries.Count);
        Assert.Equal(JsonValueKind.Null, entries[0].ValueKind);
        Assert.All(entries.Skip(1), e => Assert.Single(e.EnumerateObject()));
    }

    [Fact]
    public async Task NotAsked_IsNull()
    {
        await using var twin = await Twins.StartAsync();
        using var http = Twins.Http(twin);

        var (_, chat) = await PostAsync(http, "v1/chat/completions", """{"messages":[{"role":"user","content":"Hi"}],"max_tokens":2}""");
        var (_, completion) = await PostAsync(http, "v1/completions", """{"prompt":"Hi","max_tokens":2}""");

        Assert.Equal(JsonValueKind.Null, chat.GetProperty("prompt_logprobs").ValueKind);
        Assert.Equal(JsonValueKind.Null, completion.GetProperty("choices")[0].GetProperty("prompt_logprobs").ValueKind);
    }

    [Theory]
    [InlineData("\"prompt_logprobs\":1,\"stream\":true", "`prompt_logprobs` are not available when `stream=True`.")]
    [InlineData("\"prompt_logprobs\":-2", "`prompt_logprobs` must be a positive value or -1.")]
    [InlineData("\"prompt_logprobs\":21", "Requested prompt logprobs of 21, which is greater than max allowed: 20")]
    public async Task BadValues_Are400AsVllm(string fields, string message)
    {
        await using var twin = await Twins.StartAsync();
        using var http = Twins.Http(twin);

        var (status, error) = await PostAsync(http, "v1/completions", $$"""{"prompt":"Hi","max_tokens":2,{{fields}}}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(message, error.GetProperty("error").GetProperty("message").GetString());
    }
}
