using LlmFleet.Cli.Infrastructure;
using LlmFleet.Cli.Tests.Install;

namespace LlmFleet.Cli.Tests;

/// <summary>Runs the real <c>llmfleet</c> command tree on an argument string and captures what it writes.</summary>
internal sealed record CliResult(int ExitCode, string Output, string Error);

internal static class CliRun
{
    /// <summary>
    /// A built <c>llmfleet</c> executable to run instead of the command tree in this process
    /// (<c>LLMFLEET_TEST_CLI=artifacts/release/linux-x64/llmfleet</c>, a relative path from the repository root): the
    /// same tests then check a release binary, whose trimmed, ahead-of-time compiled code can fail where the
    /// JIT-compiled assemblies do not.
    /// </summary>
    internal static string? Binary { get; } = Environment.GetEnvironmentVariable("LLMFLEET_TEST_CLI") is { Length: > 0 } path
        ? Path.GetFullPath(path, TestPaths.RepoRoot)
        : null;

    public static async Task<CliResult> RunAsync(params string[] args)
    {
        if (Binary is not null)
        {
            return await ProgramRun.RunAsync(Binary, args, TimeSpan.FromMinutes(2));
        }

        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await LlmFleetApp.RunAsync(args, new CliConsole(output, error), TestContext.Current.CancellationToken);
        return new CliResult(code, output.ToString(), error.ToString());
    }
}
