using System.Text;
using LlmFleet.Gateway.Access.Limits;
using Microsoft.ML.Tokenizers;

namespace LlmFleet.Gateway.Tests.Access;

/// <summary>The tpm estimate counts every string of the prompt with the o200k tokenizer, remembered or not.</summary>
public sealed class TokenEstimatorTests
{
    private static readonly Tokenizer O200k = TiktokenTokenizer.CreateForEncoding("o200k_base");

    private static byte[] Chat(params (string Role, string Content)[] turns) => Encoding.UTF8.GetBytes(
        "{\"model\":\"glm-5.2\",\"max_tokens\":64,\"messages\":[" +
        string.Join(",", turns.Select(t => $"{{\"role\":\"{t.Role}\",\"content\":\"{t.Content}\"}}")) + "]}");

    private static int Tokens(params (string Role, string Content)[] turns) => turns.Sum(t => O200k.CountTokens(t.Role) + O200k.CountTokens(t.Content));

    [Fact]
    public void Estimate_ResentConversation_CountsEveryTurnAlike_AndTheNextTurnAddsOnlyItsOwnTokens()
    {
        // A text no other test sends, so the first estimate cannot come from remembered counts.
        var system = ("system", $"You answer questions about invoice {Guid.NewGuid():N} precisely and briefly.");
        var first = ("user", "What is the total due, and by which date must it be paid?");
        var answer = ("assistant", "The total due is 1,204.50 EUR, payable by 15 December.");
        var next = ("user", "Can it be paid in two instalments instead?");

        var once = TokenEstimator.Estimate(Chat(system, first), countPrompt: true);
        var again = TokenEstimator.Estimate(Chat(system, first), countPrompt: true);
        var longer = TokenEstimator.Estimate(Chat(system, first, answer, next), countPrompt: true);

        Assert.Equal(Tokens(system, first), once.PromptTokens);
        Assert.Equal(once.PromptTokens, again.PromptTokens);
        Assert.Equal(once.PromptTokens + Tokens(answer, next), longer.PromptTokens);
        Assert.Equal(64, longer.MaxTokens);
    }
}
