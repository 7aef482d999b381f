using System.ComponentModel;
using System.Globalization;
using LlmFleet.Cli.Infrastructure;
using LlmFleet.Operations.Download;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LlmFleet.Cli.Commands.Download;

/// <summary>
/// <c>llmfleet download &lt;repo id&gt;</c>: parallel, resumable, verified, straight into the layout vLLM reads. The
/// endpoint comes from <c>--endpoint</c> or <c>HF_ENDPOINT</c>; a token as huggingface_hub finds it (<c>HF_TOKEN</c>, <c>HF_TOKEN_PATH</c>, <c>$HF_HOME/token</c>: <see cref="HubToken"/>), sent to that endpoint only.
/// </summary>
internal sealed class DownloadCommand(CliConsole console, TimeProvider time) : AsyncCommand<DownloadCommand.Settings>
{
    /// <summary>Files at least this large get their own progress bar.</summary>
    private const long OwnBarBytes = 256L << 20;

    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<repo-id>")]
        [Description("Repository on the hub, e.g. zai-org/GLM-5.2-FP8.")]
        public string RepoId { get; init; } = "";

        [CommandOption("--revision <REV>")]
        [Description("Branch, tag or commit. Default: main.")]
        public string Revision { get; init; } = "main";

        [CommandOption("--include <GLOB>")]
        [Description("Only files matching (repeatable), e.g. \"UD-IQ2_XXS/*\" or \"*.safetensors\".")]
        public string[] Include { get; init; } = [];

        [CommandOption("--exclude <GLOB>")]
        [Description("Skip files matching (repeatable).")]
        public string[] Exclude { get; init; } = [];

        [CommandOption("--dir <DIR>")]
        [Description("Write into this plain folder.")]
        public string? Dir { get; init; }

        [CommandOption("--cache <DIR>")]
        [Description("Write into this Hugging Face cache (default: HF_HUB_CACHE, HF_HOME/hub or ~/.cache/huggingface/hub).")]
        public string? Cache { get; init; }

        [CommandOption("--endpoint <URL>")]
        [Description("Hub or mirror endpoint. Default: HF_ENDPOINT, else https://huggingface.co.")]
        public string? Endpoint { get; init; }

        [CommandOption("--connections <N>")]
        [Description("Parallel byte-range requests. Default: 8.")]
        public int Connections { get; init; } = 8;

        [CommandOption("--json")]
        public bool Json { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.Dir is not null && settings.Cache is not null)
        {
            throw new UsageException("give --dir or --cache, not both");
        }
        if (settings.Connections < 1)
        {
            throw new UsageException($"--connections must be at least 1, not {settings.Connections}");
        }
        if (settings.RepoId.Split('/') is not [{ Length: > 0 }, { Length: > 0 }])
        {
            throw new UsageException($"repository id must be 'org/name', not '{settings.RepoId}'");
        }
        var endpointText = settings.Endpoint ?? Environment.GetEnvironmentVariable("HF_ENDPOINT") ?? "https://huggingface.co";
        if (!Uri.TryCreate(endpointText.TrimEnd('/') + "/", UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("http" or "https"))
        {
            throw new UsageException($"--endpoint must be an http(s) URL, not '{endpointText}'");
        }
        string? token;
        try
        {
            token = HubToken.Find();
        }
        catch (DownloadException e)
        {
            throw new UsageException(e.Message);
        }
        var options = new DownloadOptions(settings.RepoId, settings.Revision, settings.Include, settings.Exclude, settings.Dir,
            settings.Dir is null ? settings.Cache ?? HubCachePath.Default() : null, endpoint.ToString(), token, settings.Connections);

        using var http = HubClient.CreateHttpClient();
        var downloader = new ModelDownloader(new HubClient(http, endpoint, token, new RetryPolicy(time, new Random())));
        var progress = new DownloadProgress();
        DownloadReport report;
        try
        {
            var run = downloader.RunAsync(options, progress, cancellationToken);
            if (!settings.Json && console.Ansi.Profile.Capabilities.Interactive)
            {
                await ShowProgressAsync(run, progress);
            }
            report = await run;
        }
        catch (DownloadException e)
        {
            await console.Error.WriteLineAsync($"error: {e.Message}");
            return ExitCodes.No;
        }
        if (settings.Json)
        {
            CliJson.Write(console, report, CliJson.Context.DownloadReport);
            return ExitCodes.Success;
        }
        var c = CultureInfo.InvariantCulture;
        var fetched = report.Files.Count(f => f.Status == "downloaded");
        console.Ansi.MarkupLine($"[green]verified[/] {report.Files.Count} files ({Units.Gb(report.BytesVerified)}) of {Markup.Escape(report.RepoId)} " +
            $"at {report.Commit[..Math.Min(12, report.Commit.Length)]}: {fetched} downloaded ({Units.Gb(report.BytesDownloaded)}), " +
            $"{report.Files.Count - fetched} already in place, in {report.Seconds.ToString("0.0", c)} s");
        console.Ansi.MarkupLine($"model folder: {Markup.Escape(report.ModelFolder)}");
        if (options.Cache is { } cache)
        {
            console.Ansi.MarkupLine($"serve offline: HF_HUB_CACHE={Markup.Escape(cache)} HF_HUB_OFFLINE=1 vllm serve {Markup.Escape(report.RepoId)} --revision {report.Commit}");
        }
        return ExitCodes.Success;
    }

    /// <summary>One bar for the whole download (bytes, rate, time left, files done) and one per large file in flight.</summary>
    private Task ShowProgressAsync(Task run, DownloadProgress progress) =>
        console.Ansi.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(),
                new TransferSpeedColumn(), new RemainingTimeColumn())
            .StartAsync(async ctx =>
            {
                var total = ctx.AddTask("download", maxValue: 1);
                var bars = new Dictionary<string, ProgressTask>(StringComparer.Ordinal);
                while (!run.IsCompleted)
                {
                    total.MaxValue = Math.Max(1, progress.TotalBytes);
                    total.Value = Math.Max(0, progress.BytesDone);
                    total.Description = $"{progress.FilesDone}/{progress.TotalFiles} files";
                    foreach (var (path, file) in progress.Active)
                    {
                        if (file.SizeBytes >= OwnBarBytes && !bars.ContainsKey(path))
                        {
                            bars[path] = ctx.AddTask(Markup.Escape(Path.GetFileName(path)), maxValue: file.SizeBytes);
                        }
                        if (bars.TryGetValue(path, out var bar))
                        {
                            bar.Value = Math.Max(0, file.BytesDone);
                        }
                    }
                    foreach (var (path, bar) in bars.Where(b => !progress.Active.ContainsKey(b.Key)).ToList())
                    {
                        bar.Value = bar.MaxValue;
                        bar.StopTask();
                        bars.Remove(path);
                    }
                    await Task.WhenAny(run, Task.Delay(200));
                }
                total.Value = total.MaxValue;
            });
}
