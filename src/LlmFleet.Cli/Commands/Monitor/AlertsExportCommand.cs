using System.ComponentModel;
using LlmFleet.Cli.Infrastructure;
using LlmFleet.Gateway.Configuration;
using LlmFleet.Monitoring;
using LlmFleet.Monitoring.Export;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LlmFleet.Cli.Commands.Monitor;

/// <summary>
/// <c>llmfleet alerts export --out DIR [--config fleet.yaml]</c>: the gateway's alert rules as a Prometheus rules
/// file and its dashboard as Grafana JSON, with the thresholds of the fleet file when one is given.
/// </summary>
internal sealed class AlertsExportCommand(CliConsole console) : Command<AlertsExportCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--out <DIR>")]
        [Description("Folder to write the two files to (created when missing).")]
        public string? Out { get; init; }

        [CommandOption("--config <FILE>")]
        [Description("fleet.yaml whose monitoring.alerts overrides to use (default: the built-in defaults).")]
        public string? Config { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var dir = settings.Out ?? throw new UsageException("--out DIR is required");
        MonitoringConfig monitoring;
        try
        {
            monitoring = settings.Config is { } file ? FleetConfigLoader.Load(file).Monitoring : new MonitoringConfig();
        }
        catch (FleetConfigException e)
        {
            throw new UsageException(e.Message);
        }
        Directory.CreateDirectory(dir);
        var rules = Path.Combine(dir, PrometheusRulesFile.FileName);
        var dashboard = Path.Combine(dir, GrafanaDashboard.FileName);
        File.WriteAllText(rules, PrometheusRulesFile.Write(monitoring));
        File.WriteAllText(dashboard, GrafanaDashboard.Write());
        console.Ansi.MarkupLine($"Wrote [bold]{Markup.Escape(rules)}[/] (check with: promtool check rules {Markup.Escape(rules)})");
        console.Ansi.MarkupLine($"Wrote [bold]{Markup.Escape(dashboard)}[/] (Grafana: Dashboards → New → Import, schema version {GrafanaDashboard.SchemaVersion})");
        return ExitCodes.Success;
    }
}
