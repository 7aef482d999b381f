using System.ComponentModel;
using LlmFleet.Cli.Infrastructure;
using LlmFleet.Monitoring;
using LlmFleet.Monitoring.Diagnosis;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LlmFleet.Cli.Commands.Monitor;

/// <summary>
/// <c>llmfleet diagnose --gateway URL [--json]</c>: runs every symptom rule over the gateway's fleet state and prints,
/// per finding, the evidence, the likely cause and the fix. Exit 0 when nothing was found, 1 when something was.
/// </summary>
internal sealed class DiagnoseCommand(CliConsole console) : AsyncCommand<DiagnoseCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--gateway <URL>")]
        [Description("The gateway whose fleet to diagnose.")]
        public string? Gateway { get; init; }

        [CommandOption("--admin-key <KEY>")]
        [Description("The gateway's admin key (default: $LLMFLEET_ADMIN_KEY; prefer the variable, a command line is visible to other users).")]
        public string? AdminKey { get; init; }

        [CommandOption("--json")]
        [Description("The findings as JSON (rule, severity, backend, evidence, likely_cause, fix).")]
        public bool Json { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using var gateway = new GatewayAdminClient(settings.Gateway ?? throw new UsageException("--gateway URL is required"), settings.AdminKey);
        var report = DiagnosisRules.Run(await gateway.FleetAsync(cancellationToken));
        if (settings.Json)
        {
            console.Out.WriteLine(System.Text.Json.JsonSerializer.Serialize(report, MonitoringJsonContext.Default.DiagnosisReport));
            return report.Healthy ? ExitCodes.Success : ExitCodes.No;
        }
        if (report.Healthy)
        {
            console.Ansi.MarkupLine($"[green]No problems found[/] on {report.BackendsChecked} backend(s) of {Markup.Escape(gateway.Gateway.ToString())}.");
            return ExitCodes.Success;
        }
        foreach (var f in report.Findings)
        {
            var colour = f.Severity == "critical" ? "red" : "yellow";
            console.Ansi.MarkupLine($"[{colour} bold]{Markup.Escape(f.Rule)}[/] on backend {f.BackendId} ({Markup.Escape(f.Backend)}): {Markup.Escape(f.Evidence)}");
            console.Ansi.MarkupLine($"  [bold]likely cause:[/] {Markup.Escape(f.LikelyCause)}");
            console.Ansi.MarkupLine($"  [bold]fix:[/] {Markup.Escape(f.Fix)}");
        }
        console.Ansi.MarkupLine($"{report.Findings.Count} finding(s) on {report.BackendsChecked} backend(s).");
        return ExitCodes.No;
    }
}
