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

    [Fact]
    public void Scan_AnthropicStream_AddsCacheReadsToInputAndKeepsInputFromMessageStart()
    {
        var scanner = new UsageScanner();
        scanner.Scan("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"usage\":{\"input_tokens\":20,\"cache_read_input_tokens\":100,\"output_tokens\":1}}}\n\n"u8);
        scanner.Scan("event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":15}}\n\n"u8);
        Assert.Equal(new TokenUsage(120, 15, 100), scanner.Usage);
        Assert.False(scanner.SawError);
    }

    private const string VllmErrorEvent = "data: {\"error\": {\"message\": \"EngineCore died {\\\"gpu\\\": 3}\", \"type\": \"InternalServerError\", \"param\": null, \"code\": 500}}\n\ndata: [DONE]\n\n";

    [Fact]
    public void Scan_VllmErrorEvent_EverySplitPoint_IsSeenWithItsCode()
    {
        var bytes = Encoding.UTF8.GetBytes("data: {\"choices\":[{\"delta\":{\"content\":\"an \\\"error\\\" word\"}}]}\n\n" + VllmErrorEvent);
        for (var split = 1; split < bytes.Length; split++)
        {
            var scanner = new UsageScanner();
            scanner.Scan(bytes.AsSpan(0, split));
            scanner.Scan(bytes.AsSpan(split));
            Assert.True(scanner.SawError, $"split at {split}");
        }
        var whole = new UsageScanner();
        whole.Scan(bytes);
        Assert.Equal(500, whole.ErrorCode);
        Assert.Equal("EngineCore died {\"gpu\": 3}", whole.ErrorMessage);
    }

    [Fact]
    public void Scan_ContentMentioningError_IsNotAnErrorEvent()
    {
        var scanner = new UsageScanner();
        scanner.Scan("data: {\"choices\":[{\"delta\":{\"content\":\"data: {\\\"error\\\": 1} event: error\"}}]}\n\n"u8);
        Assert.False(scanner.SawError);
    }

    [Fact]
    public void Scan_AnthropicErrorEvent_IsSeen()
    {
        var scanner = new UsageScanner();
        scanner.Scan("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"internal_error\",\"message\":\"boom\"}}\n\ndata: [DONE]\n\n"u8);
        Assert.True(scanner.SawError);
    }
}
