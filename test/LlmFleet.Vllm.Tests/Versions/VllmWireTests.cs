using LlmFleet.Vllm.Versions;

namespace LlmFleet.Vllm.Tests.Versions;

public sealed class VllmWireTests
{
    [Fact]
    public void Table_EveryVersionCitesAVllmFileForEachFact()
    {
        Assert.Equal(["0.11", "0.16", "latest"], VllmWire.Names);
        foreach (var wire in VllmWire.All)
        {
            Assert.Equal(
                ["context_overflow", "finished_reasons", "metric_families", "named_tool_finish_reason", "reasoning_field", "validation_error_param", "version"],
                wire.Sources.Keys.Order());
            Assert.All(wire.Sources.Values, source => Assert.StartsWith("vllm/", source));
            Assert.Contains(wire.ContextOverflow, new[] { VllmWire.OverflowMaxContextLength, VllmWire.OverflowInputTokens });
            Assert.All(wire.MetricFamilies, family => Assert.StartsWith("vllm:", family));
        }
    }

    [Fact]
    public void Get_ReasoningFieldRenamedAfter011()
    {
        Assert.Equal("reasoning_content", VllmWire.Get("0.11").ReasoningField);
        Assert.Equal("reasoning", VllmWire.Get("0.16").ReasoningField);
        Assert.Same(VllmWire.Latest, VllmWire.Get("latest"));
    }

    [Fact]
    public void Get_UnknownVersion_NamesTheChoices()
    {
        var e = Assert.Throws<ArgumentException>(() => VllmWire.Get("0.9"));

        Assert.Equal("--vllm-version must be one of 0.11, 0.16, latest, got '0.9'", e.Message);
    }
}
