using System.Net;
using System.Net.Sockets;
using System.Text;
using LlmFleet.Gateway.Tests.Functional;

namespace LlmFleet.Gateway.Tests.Chaos;

/// <summary>Clients that try to exhaust the gateway: huge heads and bodies are refused, idle connections are bounded.</summary>
public sealed class AbusiveClientTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task OneMegabyteOfHeaders_Is431()
    {
        await using var fleet = await TestFleet.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = TestFleet.Json(TestFleet.ChatJson()) };
        request.Headers.TryAddWithoutValidation("X-Padding", new string('a', 1024 * 1024));
        using var response = await fleet.Client.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task HundredMegabyteBody_Is413InOpenAiShape_BeforeItIsAllSent()
    {
        await using var fleet = await TestFleet.StartAsync();
        var body = new byte[100 * 1024 * 1024];
        "{\"model\":\"glm-5.2\",\"messages\":[{\"role\":\"user\",\"content\":\""u8.CopyTo(body);
        using var response = await fleet.Client.PostAsync("v1/chat/completions", new ByteArrayContent(body), Ct);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("larger than the gateway's limit", (await TestFleet.ReadJsonAsync(response)).GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task ManyIdleConnections_AreHeld_AndTheGatewayStillServes()
    {
        await using var fleet = await TestFleet.StartAsync();
        var idle = new List<TcpClient>();
        try
        {
            for (var i = 0; i < 500; i++)
            {
                var c = new TcpClient();
                await c.ConnectAsync(fleet.Gateway.BaseAddress.Host, fleet.Gateway.BaseAddress.Port, Ct);
                // Half of them a slowloris: a request head that never ends.
                if (i % 2 == 0)
                {
                    await c.GetStream().WriteAsync(Encoding.ASCII.GetBytes("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n"), Ct);
                }
                idle.Add(c);
            }
            using var response = await fleet.PostChatAsync(TestFleet.ChatJson());
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        finally
        {
            idle.ForEach(c => c.Dispose());
        }
    }
}
