using System.Text.Json;
using LlmFleet.Simulation.Tests.Hosting;

namespace LlmFleet.Simulation.Tests.Api;

/// <summary>vLLM names a response after the client's <c>X-Request-Id</c> (<c>_base_request_id</c>), so logs and answers join up.</summary>
public sealed class RequestIdTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<string> PostAsync(HttpClient http, string path, string json, string? requestId)
    {
        using var request = Sse.Post(path, json);
        if (requestId is not null)
        {
            request.Headers.Add("X-Request-Id", requestId);
        }
        using var response = await http.SendAsync(request, Ct);
        return await response.Content.ReadAsStringAsync(Ct);
    }

    [Fact]
    public async Task Chat_WithXRequestId_IdIsChatcmplDashTheRequestId_WithoutIt_ARandomHexId()
    {
        await using var twin = await Twins.StartAsync();
        using var http = Twins.Http(twin);
        const string body = """{"messages":[{"role":"user","content":"Hi"}],"max_tokens":2}""";

        var named = JsonDocument.Parse(await PostAsync(http, "v1/chat/completions", body, "trace-7f3a")).RootElement;
        var unnamed = JsonDocument.Parse(await PostAsync(http, "v1/chat/completions", body, null)).RootElement;

        Assert.Equal("chatcmpl-trace-7f3a", named.GetProperty("id").GetString());
        Assert.Matches("^chatcmpl-[0-9a-f]{32}$", unnamed.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Completions_Streamed_EveryChunkCarriesCmplDashTheRequestId()
    {
        await using var twin = await Twins.StartAsync();
        using var http = Twins.Http(twin);

        var text = await PostAsync(http, "v1/completions", """{"prompt":"Hi","max_tokens":4,"stream":true}""", "batch-12");

        var chunks = text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(e => e["data: ".Length..]).Where(d => d != "[DONE]").ToList();
        Assert.NotEmpty(chunks);
        Assert.All(chunks, c => Assert.Equal("cmpl-batch-12", JsonDocument.Parse(c).RootElement.GetProperty("id").GetString()));
    }
}
