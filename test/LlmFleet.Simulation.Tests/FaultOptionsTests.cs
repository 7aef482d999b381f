namespace LlmFleet.Simulation.Tests;

public sealed class FaultOptionsTests
{
    [Fact]
    public void Parse_AllFaults_SetsEachField()
    {
        var f = FaultOptions.Parse("slow=2.5, error=0.1:503, drop_stream=7, unhealthy, hang");

        Assert.Equal(2.5, f.Slow);
        Assert.Equal(0.1, f.ErrorRate);
        Assert.Equal(503, f.ErrorStatus);
        Assert.Equal(7, f.DropStreamAfterTokens);
        Assert.True(f.Unhealthy);
        Assert.True(f.Hang);
        Assert.False(f.Crash);
    }

    [Theory]
    [InlineData("explode", "unknown fault")]
    [InlineData("slow=fast", "needs a number")]
    [InlineData("error=1.5", "between 0 and 1")]
    [InlineData("error=0.1:404", "500 or 503")]
    [InlineData("slow=0", "positive")]
    public void Parse_BadSpec_NamesTheProblem(string spec, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => FaultOptions.Parse(spec));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Parse_MidStreamError_SetsItsTokenCount() =>
        Assert.Equal(3, FaultOptions.Parse("mid_stream_error=3").MidStreamErrorAfterTokens);

    [Fact]
    public void Parse_EmptyOrNone_IsNoFault() =>
        Assert.False(FaultOptions.Parse("").Any || FaultOptions.Parse("none").Any);
}
