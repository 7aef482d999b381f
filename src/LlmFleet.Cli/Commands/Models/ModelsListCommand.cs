using LlmFleet.Catalog.Models;
using LlmFleet.Cli.Infrastructure;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LlmFleet.Cli.Commands.Models;

/// <summary><c>llmfleet models</c>: the built-in catalog as a table (or <c>--json</c>).</summary>
internal sealed class ModelsListCommand(CliConsole console) : Command<ModelsListCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--json")]
        public bool Json { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var reports = ModelCatalog.Default.All.Select(e => ModelReport.From(new ModelSource(e.Id, e.Architecture, e))).ToList();
        if (settings.Json)
        {
            CliJson.Write(console, reports, CliJson.Context.ListModelReport);
            return ExitCodes.Success;
        }
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("id").AddColumn(new TableColumn("total").RightAligned()).AddColumn(new TableColumn("active").RightAligned())
            .AddColumn(new TableColumn("layers").RightAligned()).AddColumn("attention").AddColumn(new TableColumn("max context").RightAligned());
        foreach (var r in reports)
        {
            table.AddRow(r.Id, Units.Params(r.Params.Total), Units.Params(r.Params.Active), r.Layers.ToString(System.Globalization.CultureInfo.InvariantCulture),
                r.Attention, Units.Tokens(r.MaxContext));
        }
        console.Ansi.Write(table);
        return ExitCodes.Success;
    }
}
