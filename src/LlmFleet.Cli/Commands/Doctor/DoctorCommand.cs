using System.ComponentModel;
using LlmFleet.Catalog.Models;
using LlmFleet.Catalog.Quantization;
using LlmFleet.Cli.Infrastructure;
using LlmFleet.Operations.Doctor;
using LlmFleet.Operations.Doctor.Host;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LlmFleet.Cli.Commands.Doctor;

/// <summary>
/// <c>llmfleet doctor [&lt;model&gt; --quant Q] [--engine vllm|llama.cpp] [--model-dir DIR]</c>: everything that makes a
/// first <c>vllm serve</c> fail, checked up front, each finding with its evidence and fix. Exit code 1 only when a
/// check fails.
/// </summary>
internal sealed class DoctorCommand(CliConsole console) : AsyncCommand<DoctorCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "[model]")]
        [Description("A catalog id, config.json or folder: adds RAM, disk and fit checks for it.")]
        public string? Model { get; init; }

        [CommandOption("--quant <Q>")]
        [Description("Quantization of the model (fp8, bf16, gguf:UD-IQ2_XXS...). Default: fp8.")]
        public string Quant { get; init; } = "fp8";

        [CommandOption("--engine <ENGINE>")]
        [Description("vllm (default) or llama.cpp.")]
        public string Engine { get; init; } = "vllm";

        [CommandOption("--model-dir <DIR>")]
        [Description("Where the weights live or will go. Default: the Hugging Face cache.")]
        public string? ModelDir { get; init; }

        [CommandOption("--json")]
        public bool Json { get; init; }
    }

    /// <summary>The <c>--json</c> document: every check, the skipped ones by name, and nvidia-smi's raw output.</summary>
    internal sealed record DoctorJson(bool Ok, IReadOnlyList<CheckResult> Checks, IReadOnlyList<string> SkippedChecks,
        string NvidiaSmiQuery, string NvidiaSmi);

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (!DoctorData.Engines.ContainsKey(settings.Engine))
        {
            throw new UsageException($"--engine must be one of: {string.Join(", ", DoctorData.Engines.Keys)}; got '{settings.Engine}'");
        }
        if (settings.Model is { } model)
        {
            // Bad input is reported before any check runs (exit code 2), not as a skipped check.
            ModelSource.Resolve(model);
            QuantizationCatalog.Default.Get(settings.Quant);
        }
        var options = new DoctorOptions(settings.Model, settings.Quant, settings.Engine, settings.ModelDir);
        var doctor = new DoctorContext(options, new ProcessCommandRunner(), new HostFiles());
        var report = await DoctorRunner.RunAsync(doctor, cancellationToken);
        if (settings.Json)
        {
            var smi = await doctor.NvidiaSmiAsync();
            CliJson.Write(console, new DoctorJson(report.Ok, report.Checks, report.SkippedChecks, smi.RawQuery, smi.RawBanner), CliJson.Context.DoctorJson);
        }
        else
        {
            Render(report);
        }
        return report.Ok ? ExitCodes.Success : ExitCodes.No;
    }

    private void Render(DoctorReport report)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumn("check").AddColumn("status").AddColumn("finding");
        foreach (var r in report.Checks)
        {
            table.AddRow(r.Check, Status(r.Status), Markup.Escape(r.Summary));
        }
        console.Ansi.Write(table);
        foreach (var r in report.Checks.Where(r => r.Status is CheckStatus.Fail or CheckStatus.Warning))
        {
            console.Ansi.MarkupLine($"{Status(r.Status)} [bold]{r.Check}[/]: {Markup.Escape(r.Summary)}");
            foreach (var e in r.Evidence)
            {
                console.Ansi.MarkupLine($"    {Markup.Escape(e)}");
            }
            if (r.Fix is { } fix)
            {
                console.Ansi.MarkupLine($"    [bold]fix:[/] {Markup.Escape(fix)}");
            }
        }
        int Count(CheckStatus s) => report.Checks.Count(c => c.Status == s);
        console.Ansi.MarkupLine($"{Count(CheckStatus.Pass)} passed, {Count(CheckStatus.Warning)} warning(s), {Count(CheckStatus.Fail)} failed, " +
            $"{Count(CheckStatus.Skipped)} skipped" + (report.SkippedChecks.Count > 0 ? $" ({string.Join(", ", report.SkippedChecks)})" : ""));
    }

    private static string Status(CheckStatus status) => status switch
    {
        CheckStatus.Pass => "[green]pass[/]",
        CheckStatus.Warning => "[yellow]warning[/]",
        CheckStatus.Fail => "[red]FAIL[/]",
        _ => "[grey]skipped[/]",
    };
}
