using System.ComponentModel;
using System.Globalization;
using LlmFleet.Cli.Infrastructure;
using LlmFleet.Operations.Verify;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LlmFleet.Cli.Commands.Verify;

/// <summary><c>llmfleet verify &lt;model-folder&gt; [--sha256 FILE]</c>: structure and content of downloaded weights.</summary>
internal sealed class VerifyCommand(CliConsole console) : AsyncCommand<VerifyCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<model-folder>")]
        [Description("The model folder, or a Hugging Face cache folder (models--org--name or one of its snapshots).")]
        public string Folder { get; init; } = "";

        [CommandOption("--sha256 <FILE>")]
        [Description("Expected digests: sha256sum output, or Hugging Face's file listing as JSON (tree API or ?blobs=true).")]
        public string? Manifest { get; init; }

        [CommandOption("--parallel <N>")]
        [Description("Files hashed at once (default: the processor count).")]
        public int? Parallel { get; init; }

        [CommandOption("--json")]
        public bool Json { get; init; }

        public override ValidationResult Validate() =>
            Parallel is < 1 ? ValidationResult.Error($"--parallel must be at least 1, not {Parallel}") : ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var options = new VerifyOptions(settings.Manifest, settings.Parallel);
        var progress = new VerifyProgress();
        var run = ModelFolderVerifier.VerifyAsync(settings.Folder, options, progress, cancellationToken);
        if (!settings.Json && console.Ansi.Profile.Capabilities.Interactive)
        {
            await ShowProgressAsync(run, progress);
        }
        var report = await run;
        if (settings.Json)
        {
            CliJson.Write(console, report, CliJson.Context.VerifyReport);
        }
        else
        {
            Render(report);
        }
        return report.Ok ? ExitCodes.Success : ExitCodes.No;
    }

    /// <summary>One bar for all bytes hashed, with rate and time left, redrawn until the run ends.</summary>
    private Task ShowProgressAsync(Task run, VerifyProgress progress) =>
        console.Ansi.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(),
                new TransferSpeedColumn(), new RemainingTimeColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask("hashing", maxValue: 1);
                while (!run.IsCompleted)
                {
                    task.MaxValue = Math.Max(1, progress.TotalBytes);
                    task.Value = progress.BytesDone;
                    task.Description = $"hashing {progress.FilesDone}/{progress.TotalFiles} files";
                    await Task.WhenAny(run, Task.Delay(200));
                }
                task.Value = task.MaxValue;
            });

    private void Render(VerifyReport report)
    {
        var c = CultureInfo.InvariantCulture;
        var source = report.DigestSource switch
        {
            DigestSource.Manifest => "digests from the manifest",
            DigestSource.HuggingFaceCache => "digests from the Hugging Face cache's blob names",
            _ => "no manifest: structure checked, contents not hashed (pass --sha256)",
        };
        console.Ansi.MarkupLine($"[bold]{Markup.Escape(report.Folder)}[/]: {report.Files.Count} files, {source}");
        var rate = report.Seconds > 0 ? report.BytesHashed / report.Seconds : 0;
        if (report.BytesHashed > 0)
        {
            console.Ansi.MarkupLine($"hashed {Units.Gb(report.BytesHashed)} in {report.Seconds.ToString("0.0", c)} s ({Units.Gb(rate)}/s)");
        }
        if (report.Ok)
        {
            console.Ansi.MarkupLine("[green]OK[/]: no problems found");
            return;
        }
        var table = new Table().Border(TableBorder.Rounded).AddColumn("file").AddColumn("problem").AddColumn("fault");
        foreach (var p in report.Problems)
        {
            table.AddRow(Markup.Escape(p.File), p.Kind.ToString().ToLowerInvariant(), Markup.Escape(p.Message));
        }
        console.Ansi.Write(table);
        console.Ansi.MarkupLine($"[red]{report.Problems.Count} problem(s)[/] in {report.Problems.Select(p => p.File).Distinct().Count()} file(s)");
    }
}
