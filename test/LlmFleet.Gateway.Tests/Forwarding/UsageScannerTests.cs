using System.Text;
using LlmFleet.Gateway.Forwarding;
using LlmFleet.Gateway.Requests;

namespace LlmFleet.Gateway.Tests.Forwarding;

public sealed class UsageScannerTests
{
    private const string Completion = """{"id":"x","choices":[{"index":0,"message":{"role":"assistant","content":"the usage of words"}}],"usage":{"prompt_tokens":12,"total_tokens":19,"completion_tokens":7,"prompt_tokens_details":{"cached_tokens":4}}}""";

    [Fact]
    public void Scan_WholeBody_FindsUsage()
    {
        var scanner = new UsageScanner();
        scanner.Scan(Encoding.UTF8.GetBytes(Completion));
        Assert.Equal(new TokenUsage(12, 7, 4), scanner.Usage);
    }

    [Fact]
    public void Scan_EverySplitPoint_FindsUsage()
    {
        var bytes = Encoding.UTF8.GetBytes(Completion);
        for (var split = 1; split < bytes.Length; split++)
        {
            var scanner = new UsageScanner();
            scanner.Scan(bytes.AsSpan(0, split));
            scanner.Scan(bytes.AsSpan(split));
            Assert.Equal(new TokenUsage(12, 7, 4), scanner.Usage);
        }
    }

    [Fact]
    public void Scan_StreamWithNullUsageThenFinalUsage_KeepsTheFinal()
    {
        var scanner = new UsageScanner();
        scanner.Scan("data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}],\"usage\":null}\n\n"u8);
        Assert.Null(scanner.Usage);
        scanner.Scan("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":5,\"total_tokens\":8}}\n\ndata: [DONE]\n\n"u8);
        Assert.Equal(new TokenUsage(3, 5), scanner.Usage);
    }

    [Fact]
    public void Scan_ResponsesApi_ReadsInputAndOutputTokens()
    {
        var scanner = new UsageScanner();
        scanner.Scan("""{"object":"response","usage":{"input_tokens":9,"output_tokens":2,"total_tokens":11}}"""u8);
        Assert.Equal(new TokenUsage(9, 2), scanner.Usage);
    }
}
