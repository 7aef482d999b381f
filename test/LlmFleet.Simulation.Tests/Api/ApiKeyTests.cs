using System.Net;
using System.Net.Http.Headers;
using LlmFleet.Simulation.Tests.Hosting;

namespace LlmFleet.Simulation.Tests.Api;

/// <summary>The twin's <c>--api-key</c> answers as vLLM's authentication middleware does.</summary>
public sealed class ApiKeyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task V1_WithoutTheKey_Is401WithVllmsBody()
    {
        await using var twin = await Twins.StartAsync(configure: o => o with { ApiKeys = ["sk-provider"] });
        using var http = Twins.Http(twin);

        var missing = await http.SendAsync(Sse.Post("v1/chat/completions", """{"model":"zai-org/GLM-5.2","messages":[{"role":"user","content":"hi"}]}"""), Ct);
        using var wrong = new HttpRequestMessage(HttpMethod.Get, "v1/models");
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "sk-other");
        var wrongKey = await http.SendAsync(wrong, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal("""{"error":"Unauthorized"}""", await missing.Content.ReadAsStringAsync(Ct));
        Assert.Equal(HttpStatusCode.Unauthorized, wrongKey.StatusCode);
    }

    [Fact]
    public async Task V1_WithTheKey_IsServedAndHealthAndMetricsStayOpen()
    {
        await using var twin = await Twins.StartAsync(configure: o => o with { ApiKeys = ["sk-provider"] });
        using var http = Twins.Http(twin);
        using var request = new HttpRequestMessage(HttpMethod.Get, "v1/models");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "sk-provider");

        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(request, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("health", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("metrics", Ct)).StatusCode);
    }
}
