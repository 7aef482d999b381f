using LlmFleet.Cli.Infrastructure;

namespace LlmFleet.Cli.Tests;

/// <summary>Unknown options and commands are refused with exit code 2 and a message naming the closest known name: a
/// mistyped option used to be dropped silently (`plan ... --qaunt fp8` planned bf16 with exit code 0).</summary>
public sealed class ParseErrorTests
{
    [Fact]
    public async Task Plan_MisspelledQuant_ExitCode2NamingQuant()
    {
        var r = await CliRun.RunAsync("plan", "llama-3.1-8b", "--qaunt", "fp8", "--gpu", "h200", "--gpus", "1");
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Output);
        Assert.Equal("error: unknown option '--qaunt' for 'plan'; did you mean '--quant'?", r.Error.Trim());
    }

    [Fact]
    public async Task Plan_MisspelledQuantWithEquals_ExitCode2NamingQuant()
    {
        var r = await CliRun.RunAsync("plan", "llama-3.1-8b", "--gpu", "h200", "--qunt=fp8");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("unknown option '--qunt' for 'plan'; did you mean '--quant'?", r.Error);
    }

    [Theory]
    [InlineData("'--gpsu' for 'cost'; did you mean '--gpus'?", "cost", "glm-5.2", "--gpsu", "8")]
    [InlineData("'--jsn' for 'models show'; did you mean '--json'?", "models", "show", "glm-5.2", "--jsn")]
    [InlineData("'--jsn' for 'models'; did you mean '--json'?", "models", "--jsn")]
    [InlineData("'--instance' for 'sim'; did you mean '--instances'?", "sim", "glm-5.2", "--instance", "2")]
    [InlineData("'--nam' for 'keys create'; did you mean '--name'?", "keys", "create", "--nam", "app")]
    [InlineData("'--hlep' for 'plan'; did you mean '--help'?", "plan", "--hlep")]
    public async Task UnknownOption_OnEachKindOfCommand_ExitCode2NamingTheClosest(string expected, params string[] args)
    {
        var r = await CliRun.RunAsync(args);
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Output);
        Assert.Equal("error: unknown option " + expected, r.Error.Trim());
    }

    [Theory]
    [InlineData("plan", "llama-3.1-8b", "--zzzzzz")]
    [InlineData("cost", "glm-5.2", "--xyz")]
    public async Task UnknownOption_FarFromEveryOption_ExitCode2WithoutASuggestion(params string[] args)
    {
        var r = await CliRun.RunAsync(args);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains($"unknown option '{args[^1]}' for '{args[0]}'; see 'llmfleet {args[0]} --help'", r.Error);
        Assert.DoesNotContain("did you mean", r.Error);
    }

    [Fact]
    public async Task UnknownOption_Short_ExitCode2WithoutASuggestion()
    {
        // Every letter is one edit from every other: a suggestion for -x would be a guess.
        var r = await CliRun.RunAsync("plan", "llama-3.1-8b", "-x");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("unknown option '-x' for 'plan'", r.Error);
        Assert.DoesNotContain("did you mean", r.Error);
    }

    [Fact]
    public async Task UnknownOption_BeforeAnyCommand_ExitCode2()
    {
        var r = await CliRun.RunAsync("--quant", "fp8");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("unknown option '--quant' before a command", r.Error);
    }

    [Fact]
    public async Task ArgumentsAfterDoubleDash_AnyCommand_ExitCode2()
    {
        // No command passes arguments through, so `-- --quant fp8` would be dropped like an unknown option.
        var r = await CliRun.RunAsync("plan", "llama-3.1-8b", "--", "--quant", "fp8");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("unexpected argument '--quant' after '--'", r.Error);
    }

    [Theory]
    [InlineData("error: unknown command 'plann'; did you mean 'plan'?", "plann", "glm-5.2")]
    [InlineData("error: unknown command 'shw' for 'models'; did you mean 'show'?", "models", "shw", "glm-5.2")]
    [InlineData("error: unknown command 'frobnicate'; see 'llmfleet --help'", "frobnicate")]
    [InlineData("error: unexpected argument 'extra' for 'hardware'; see 'llmfleet hardware --help'", "hardware", "extra")]
    public async Task UnknownCommand_TopLevelOrBranch_ExitCode2NamingTheClosest(string expected, params string[] args)
    {
        var r = await CliRun.RunAsync(args);
        Assert.Equal(2, r.ExitCode);
        Assert.Equal(expected, r.Error.Trim());
    }

    [Fact]
    public async Task Models_KnownOptionOfTheDefaultCommand_StillRunsUnderStrictParsing()
    {
        // `models --json` reaches the branch's default command only through Spectre's retry with it inserted.
        var r = await CliRun.RunAsync("models", "--json");
        Assert.Equal(0, r.ExitCode);
        Assert.StartsWith("[", r.Output.TrimStart(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("qaunt", "quant")] // a swap of two neighbours is one edit
    [InlineData("quantt", "quant")]
    [InlineData("contxt", "context")]
    [InlineData("max-model-length", "max-model-len")]
    [InlineData("gpsu", "gpus")] // as close to "gpu", but a swap is the likelier slip
    public void Closest_Typo_FindsTheOption(string typed, string expected) =>
        Assert.Equal(expected, ParseErrors.Closest(typed, ["quant", "gpu", "gpus", "context", "max-model-len", "json"]));

    [Theory]
    [InlineData("zzzzzz")]
    [InlineData("xyz")]
    [InlineData("quantization")]
    public void Closest_FarOff_SuggestsNothing(string typed) =>
        Assert.Null(ParseErrors.Closest(typed, ["quant", "gpu", "gpus", "context", "json"]));

    [Theory]
    [InlineData("quant", "quant", 0)]
    [InlineData("qaunt", "quant", 1)]
    [InlineData("kitten", "sitting", 3)]
    [InlineData("", "gpu", 3)]
    public void Distance_Pairs_CountsEdits(string a, string b, int expected) =>
        Assert.Equal(expected, ParseErrors.Distance(a, b));
}
