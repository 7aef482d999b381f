using LlmFleet.Gateway.Configuration;
using LlmFleet.Gateway.Hosting;
using LlmFleet.Gateway.Tests.Functional;
using LlmFleet.Testing.Chaos;

namespace LlmFleet.Gateway.Tests.Chaos;

/// <summary>A backend that streams one byte at a time: the gateway relays each byte as it comes, and a client that
/// leaves stops the backend's stream.</summary>
public sealed class SlowDripTests
{
    [Fact]
    public async Task DripStream_BytesRelayedAsTheyCome_ClientLeaving_StopsTheUpstream()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var drip = new SlowDripBackend(TimeSpan.FromMilliseconds(50));
        var model = new ModelConfig { Name = "drip", Backends = [new BackendConfig { Url = drip.BaseAddress }] };
        await using var gateway = await FleetBuilder.StartGatewayAsync(new GatewayOptions { Config = new FleetConfig { Models = [model] } });
        // No draining on dispose: the client really leaves instead of reading on to reuse the connection.
        using var client = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0 }) { BaseAddress = gateway.BaseAddress };
        using (var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = TestFleet.Json(TestFleet.ChatJson(model: "drip", stream: true)) })
        using (var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct))
        await using (var body = await response.Content.ReadAsStreamAsync(ct))
        {
            var first = new byte[6];
            await body.ReadExactlyAsync(first, ct);
            Assert.Equal("data: "u8.ToArray(), first);
            // The whole stream takes its length × 50 ms; the first bytes came long before it could have been buffered.
            Assert.True(drip.BytesSent < SlowDripBackend.Stream.Length / 2, $"{drip.BytesSent} bytes sent before the client had 6");
        }
        var atLeave = drip.BytesSent;
        await Task.Delay(1000, ct);
        var settled = drip.BytesSent;
        await Task.Delay(1000, ct);
        Assert.Equal(settled, drip.BytesSent); // nothing more is sent once the gateway has dropped the upstream request
        Assert.True(settled < SlowDripBackend.Stream.Length, $"the stream ran to its end ({settled} bytes) after the client left at {atLeave}");
    }
}
