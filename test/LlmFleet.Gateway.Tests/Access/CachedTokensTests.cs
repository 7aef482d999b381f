using System.Text;
using LlmFleet.Gateway.Forwarding;

namespace LlmFleet.Gateway.Tests.Access;

/// <summary>The ledger's cached-token column comes from vLLM's <c>prompt_tokens_details.cached_tokens</c>.</summary>
public sealed class CachedTokensTests
{
    [Fact]
    public void Scan_UsageWithPromptTokensDetails_ReadsCachedTokens()
    {
        var scanner = new UsageScanner();
        scanner.Scan(Encoding.UTF8.GetBytes("""data: {"id":"x","choices":[],"usage":{"prompt_tokens":120,"total_tokens":130,"completion_tokens":10,"prompt_tokens_details":{"cached_tokens":96}}}"""));
        Assert.Equal(new(120, 10, 96), scanner.Usage);
    }

    [Fact]
    public void Scan_UsageWithoutDetails_CachedIsZero()
    {
        var scanner = new UsageScanner();
        scanner.Scan("""{"usage":{"prompt_tokens":5,"completion_tokens":3,"prompt_tokens_details":null}}"""u8);
        Assert.Equal(new(5, 3, 0), scanner.Usage);
    }
}
