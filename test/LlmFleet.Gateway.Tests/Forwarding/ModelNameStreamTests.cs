using System.IO.Pipelines;
using System.Text;
using LlmFleet.Gateway.Forwarding;

namespace LlmFleet.Gateway.Tests.Forwarding;

/// <summary>The answer's <c>model</c> goes back to the client's name, however the backend's bytes arrive.</summary>
public sealed class ModelNameStreamTests
{
    private static readonly byte[] Asked = "\"glm-5.2\""u8.ToArray();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task JsonBody_EveryReadSplit_ReplacesTheModelMembersButNotTextThatMentionsThem()
    {
        const string body = """{"id":"x","model" : "zai-org/GLM-5.2","choices":[{"message":{"content":"say \"model\":\"y\" and \\"}}],"usage":{"model":"a\"b"}}""";
        const string expected = """{"id":"x","model" : "glm-5.2","choices":[{"message":{"content":"say \"model\":\"y\" and \\"}}],"usage":{"model":"glm-5.2"}}""";
        for (var chunk = 1; chunk <= body.Length; chunk++)
        {
            Assert.Equal(expected, await ReadAllAsync(new ChunkedStream(Encoding.UTF8.GetBytes(body), chunk)));
        }
    }

    [Fact]
    public async Task EventStream_AWholeEventIsRelayedAtOnce_NotHeldForTheNext()
    {
        var pipe = new Pipe();
        await using var stream = new ModelNameStream(pipe.Reader.AsStream(), Asked);
        await pipe.Writer.WriteAsync("data: {\"model\":\"served\",\"choices\":[]}\n\n"u8.ToArray(), Ct);

        var buffer = new byte[1024];
        var read = await stream.ReadAsync(buffer, Ct); // the writer is still open: a held-back tail would block here

        Assert.Equal("data: {\"model\":\"glm-5.2\",\"choices\":[]}\n\n", Encoding.UTF8.GetString(buffer, 0, read));
        await pipe.Writer.CompleteAsync();
        Assert.Equal(0, await stream.ReadAsync(buffer, Ct));
    }

    [Fact]
    public async Task NoModelMember_BytesPassUnchanged_IncludingAKeyPrefixAtTheEnd()
    {
        const string body = "{\"object\":\"list\",\"data\":[]} \"mod";
        Assert.Equal(body, await ReadAllAsync(new ChunkedStream(Encoding.UTF8.GetBytes(body), 7)));
    }

    private static async Task<string> ReadAllAsync(Stream source)
    {
        await using var stream = new ModelNameStream(source, Asked);
        using var result = new MemoryStream();
        var buffer = new byte[5]; // smaller than what one read may produce
        int read;
        while ((read = await stream.ReadAsync(buffer, Ct)) > 0)
        {
            result.Write(buffer, 0, read);
        }
        return Encoding.UTF8.GetString(result.ToArray());
    }

    /// <summary>Hands out its bytes <c>chunk</c> at a time, as a network read might.</summary>
    private sealed class ChunkedStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], cancellationToken);
    }
}
