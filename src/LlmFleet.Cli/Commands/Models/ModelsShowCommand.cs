using System.ComponentModel;
using System.Globalization;
using LlmFleet.Catalog.Models;
using LlmFleet.Cli.Infrastructure;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LlmFleet.Cli.Commands.Models;

/// <summary><c>llmfleet models show &lt;id | config.json | folder&gt;</c>: the exact parameter breakdown.</summary>
internal sealed class ModelsShowCommand(CliConsole console) : Command<ModelsShowCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<model>")]
        [Description("A catalog id (see `llmfleet models`), a path to a config.json, or a folder holding one.")]
        public string Model { get; init; } = "";

        [CommandOption("--json")]
        public bool Json { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var report = ModelReport.From(ModelSource.Resolve(settings.Model));
        if (settings.Json)
        {
            CliJson.Write(console, report, CliJson.Context.ModelReport);
            return ExitCodes.Success;
        }
        var c = CultureInfo.InvariantCulture;
        console.Ansi.MarkupLine($"[bold]{Markup.Escape(report.Id)}[/] ({Markup.Escape(report.ModelType)}): " +
            $"{Units.Params(report.Params.Total)} total, {Units.Params(report.Params.Active)} active per token" +
            (report.Params.Mtp > 0 ? $", MTP {Units.Params(report.Params.Mtp)}" : "") +
            $"; {report.Layers} layers, {report.Attention} attention, {Units.Tokens(report.MaxContext)} context");
        var table = new Table().Border(TableBorder.Rounded).AddColumn("tensor class")
            .AddColumn(new TableColumn("parameters").RightAligned()).AddColumn(new TableColumn("share").RightAligned());
        foreach (var (name, count) in report.Params.ByClass)
        {
            table.AddRow(name, count.ToString("N0", c), (100.0 * count / report.Params.Total).ToString("0.00", c) + " %");
        }
        table.AddRow("[bold]total[/]", report.Params.Total.ToString("N0", c), "100.00 %");
        table.AddRow("[bold]active[/]", report.Params.Active.ToString("N0", c), (100.0 * report.Params.Active / report.Params.Total).ToString("0.00", c) + " %");
        if (report.Params.Mtp > 0)
        {
            table.AddRow("mtp (separate)", report.Params.Mtp.ToString("N0", c), "");
        }
        console.Ansi.Write(table);
        if (report.Published is { } pub)
        {
            // Our active leaves out the embedding lookup; say so where theirs does not, so the gap is not read as an error.
            var convention = pub.ActiveExcludes.Count > 0
                ? $" (their active leaves out {string.Join(" and ", pub.ActiveExcludes)})"
                : " (their active counts the embedding table)";
            console.Ansi.MarkupLine($"Published by the authors: {Units.Params(pub.Total)} total, {Units.Params(pub.Active)} active{convention}; " +
                $"counted here: {Deviation(report.Params.Total, pub.Total)} total, {Deviation(pub.CountedActiveSameWay, pub.Active)} active counted the same way.");
        }
        foreach (var w in report.Warnings)
        {
            console.Ansi.MarkupLine($"[yellow]warning:[/] {Markup.Escape(w)}");
        }
        return ExitCodes.Success;
    }

    private static string Deviation(long counted, long published) =>
        ((counted - published) * 100.0 / published).ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture) + " %";
}
