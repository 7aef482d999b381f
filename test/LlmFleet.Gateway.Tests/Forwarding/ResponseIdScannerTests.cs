using System.Text;
using LlmFleet.Gateway.Forwarding;

namespace LlmFleet.Gateway.Tests.Forwarding;

public sealed class ResponseIdScannerTests
{
    private const string Body = """{"id":"resp_abc","created_at":1,"instructions":"{\"id\":\"no\"}","output":[{"id":"msg_1","type":"message"}]}""";

    private const string Stream = "event: response.created\ndata: {\"response\":{\"id\":\"resp_abc\",\"output\":[]},\"sequence_number\":0,\"type\":\"response.created\"}\n\n";

    [Theory]
    [InlineData(Body)]
    [InlineData(Stream)]
    public void Scan_EverySplitPoint_FindsTheResponsesOwnId(string answer)
    {
        var bytes = Encoding.UTF8.GetBytes(answer);
        for (var split = 0; split <= bytes.Length; split++)
        {
            var scanner = new ResponseIdScanner();
            scanner.Scan(bytes.AsSpan(0, split));
            scanner.Scan(bytes.AsSpan(split));
            Assert.Equal("resp_abc", scanner.ResponseId);
        }
    }

    [Fact]
    public void Scan_AnEventWhoseResponseComesAfterAnotherId_TakesOnlyTheResponsesId()
    {
        var scanner = new ResponseIdScanner();
        scanner.Scan("data: {\"item\":{\"id\":\"msg_1\"},\"response\":{\"id\":\"resp_2\"}}\n\n"u8);
        Assert.Equal("resp_2", scanner.ResponseId);
    }

    [Fact]
    public void Scan_AnErrorBody_FindsNoId()
    {
        var scanner = new ResponseIdScanner();
        scanner.Scan("""{"error":{"message":"bad","type":"BadRequestError","param":null,"code":400}}"""u8);
        Assert.Null(scanner.ResponseId);
    }
}
