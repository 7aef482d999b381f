using LlmFleet.Cli.Infrastructure;

namespace LlmFleet.Cli.Tests;

/// <summary>Runs the real <c>llmfleet</c> command tree on an argument string and captures what it writes.</summary>
internal sealed record CliResult(int ExitCode, string Output, string Error);

internal static class CliRun
{
    public static async Task<CliResult> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await LlmFleetApp.RunAsync(args, new CliConsole(output, error), TestContext.Current.CancellationToken);
        return new CliResult(code, output.ToString(), error.ToString());
    }
}
