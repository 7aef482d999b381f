namespace LlmFleet.Cli.Tests;

/// <summary>Every command's --help renders (descriptions are Spectre markup: a stray bracket would crash it).</summary>
public sealed class HelpTests
{
    [Theory]
    [InlineData("models")]
    [InlineData("models", "show")]
    [InlineData("plan")]
    [InlineData("quants")]
    [InlineData("hardware")]
    [InlineData("cost")]
    [InlineData("sim")]
    [InlineData("serve")]
    [InlineData("up")]
    [InlineData("keys", "create")]
    [InlineData("usage")]
    [InlineData("doctor")]
    [InlineData("verify")]
    [InlineData("download")]
    [InlineData("deploy")]
    [InlineData("top")]
    [InlineData("diagnose")]
    [InlineData("drain")]
    [InlineData("alerts", "export")]
    public async Task Help_EveryCommand_RendersItsOptions(params string[] command)
    {
        var r = await CliRun.RunAsync([.. command, "--help"]);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("OPTIONS", r.Output);
        Assert.Equal("", r.Error);
    }

    [Fact]
    public async Task Help_Root_ListsEveryCommandOnce()
    {
        var r = await CliRun.RunAsync("--help");
        Assert.Equal(0, r.ExitCode);
        foreach (var command in new[] { "models", "plan", "cost", "sim", "serve", "up", "doctor", "verify", "download", "deploy", "keys", "usage", "top" })
        {
            Assert.Contains($" {command} ", r.Output);
        }
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(r.Output, @"^\s+sim\s", System.Text.RegularExpressions.RegexOptions.Multiline));
    }
}
