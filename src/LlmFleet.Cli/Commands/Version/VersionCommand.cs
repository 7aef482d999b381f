using System.Runtime.InteropServices;
using LlmFleet.Cli.Infrastructure;
using LlmFleet.Operations;
using Spectre.Console.Cli;

namespace LlmFleet.Cli.Commands.Version;

/// <summary><c>llmfleet version</c> (and <c>llmfleet --version</c>): version, commit, .NET runtime, OS and architecture.</summary>
internal sealed class VersionCommand(CliConsole console) : Command<VersionCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--json")]
        public bool Json { get; init; }
    }

    /// <summary>What <c>--json</c> prints.</summary>
    internal sealed record VersionReport(string Version, string? Commit, string Runtime, string Os, string Architecture);

    public static VersionReport Report() => new(
        ProductVersion.Current.Version,
        ProductVersion.Current.Commit,
        RuntimeInformation.FrameworkDescription,
        RuntimeInformation.OSDescription,
        RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant());

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var report = Report();
        if (settings.Json)
        {
            CliJson.Write(console, report, CliJson.Context.VersionReport);
            return ExitCodes.Success;
        }
        console.Out.WriteLine($"llmfleet {report.Version}{(report.Commit is null ? "" : $" (commit {ProductVersion.Current.ShortCommit})")}");
        console.Out.WriteLine($"runtime  {report.Runtime}");
        console.Out.WriteLine($"os       {report.Os} ({report.Architecture})");
        return ExitCodes.Success;
    }
}
