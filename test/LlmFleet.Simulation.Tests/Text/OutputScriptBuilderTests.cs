using System.Text;
using System.Text.Json;
using LlmFleet.Simulation.Text;

namespace LlmFleet.Simulation.Tests.Text;

public sealed class OutputScriptBuilderTests
{
    [Fact]
    public void Build_SameSeed_SameTokens_OtherSeed_Different()
    {
        var a = OutputScriptBuilder.Build(new(42, 100, IgnoreEos: true));
        var b = OutputScriptBuilder.Build(new(42, 100, IgnoreEos: true));
        var c = OutputScriptBuilder.Build(new(43, 100, IgnoreEos: true));

        Assert.Equal(a.Utf8, b.Utf8);
        Assert.NotEqual(a.Utf8, c.Utf8);
        Assert.Equal(100, a.Length);
        Assert.Equal("length", a.FinishReason);
    }

    [Fact]
    public void Build_NoLimitReached_StopsNaturallyWithinTheNaturalRange()
    {
        var lengths = Enumerable.Range(0, 50).Select(i => OutputScriptBuilder.Build(new((ulong)i, 100_000))).ToList();

        Assert.All(lengths, s => Assert.Equal("stop", s.FinishReason));
        Assert.All(lengths, s => Assert.InRange(s.Length, 64, 511));
    }

    [Fact]
    public void Build_ToolCall_ArgumentsAreTheTokensAfterReasoning()
    {
        var rng = new SplitMix64(5);
        using var schema = JsonDocument.Parse("""{"type":"object","properties":{"n":{"type":"integer","minimum":3,"maximum":3}}}""");
        var args = SchemaArguments.Generate(schema.RootElement, ref rng);

        var s = OutputScriptBuilder.Build(new(1, 1000, Reasoning: true, ToolCall: new ToolCallScript("id", "f"), ToolArguments: args));

        Assert.Equal("tool_calls", s.FinishReason);
        Assert.True(s.ReasoningTokens > 0);
        Assert.Equal("""{"n":3}""", s.AnswerText(s.Length));
        Assert.Equal(Encoding.UTF8.GetString(args), Encoding.UTF8.GetString(s.Bytes(s.ReasoningTokens, s.Length)));
    }
}
