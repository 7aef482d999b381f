using System.ComponentModel;
using System.Globalization;
using LlmFleet.Catalog.Models;
using LlmFleet.Catalog.Quantization;
using LlmFleet.Cli.Infrastructure;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LlmFleet.Cli.Commands.Plan;

/// <summary><c>llmfleet quants [model]</c>: the weight formats, their bits per weight by tensor class and engines;
/// with a model, the size of its weights in each format.</summary>
internal sealed class QuantsCommand(CliConsole console) : Command<QuantsCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "[model]")]
        [Description("Optional model (catalog id or config.json) to size in every format.")]
        public string? Model { get; init; }

        [CommandOption("--json")]
        public bool Json { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var model = settings.Model is { } m ? ModelSource.Resolve(m) : null;
        var parameters = model is null ? null : ParameterCounter.Count(model.Architecture);
        var rows = QuantizationCatalog.Default.All.Select(f => new QuantReport(
            f.Id, f.Name, f.Description, f.DefaultBitsPerWeight,
            Enum.GetValues<TensorClass>().ToDictionary(c => c.ToName(), f.BitsPerWeight),
            f.TypesByClass.ToDictionary(kv => kv.Key.ToName(), kv => kv.Value),
            f.Compute.ToString().ToLowerInvariant(),
            [.. f.Engines.Select(e => e.ToName())],
            parameters is null ? null : WeightFootprint.Compute(parameters, f, includeMtp: false).TotalBytes,
            f.Source)).ToList();
        if (settings.Json)
        {
            CliJson.Write(console, rows);
            return ExitCodes.Success;
        }
        var c = CultureInfo.InvariantCulture;
        var table = new Table().Border(TableBorder.Rounded).AddColumn("id")
            .AddColumn(new TableColumn("bits/weight (routed experts)").RightAligned())
            .AddColumn(new TableColumn("bits/weight (attention)").RightAligned())
            .AddColumn("engines").AddColumn("compute");
        if (model is not null)
        {
            table.AddColumn(new TableColumn($"{model.Id} weights").RightAligned());
        }
        foreach (var r in rows)
        {
            var cells = new List<string>
            {
                Markup.Escape(r.Id),
                r.BitsPerWeightByClass["routed_experts"].ToString("0.###", c),
                r.BitsPerWeightByClass["attention"].ToString("0.###", c),
                string.Join(", ", r.Engines),
                r.Compute,
            };
            if (r.WeightsBytes is { } bytes)
            {
                cells.Add(Units.Gb(bytes));
            }
            table.AddRow([.. cells]);
        }
        console.Ansi.Write(table);
        return ExitCodes.Success;
    }
}

/// <param name="WeightsBytes">The model's weights in this format (main model, no MTP), when a model was given.</param>
internal sealed record QuantReport(
    string Id,
    string Name,
    string Description,
    double DefaultBitsPerWeight,
    IReadOnlyDictionary<string, double> BitsPerWeightByClass,
    IReadOnlyDictionary<string, string> GgmlTypesByClass,
    string Compute,
    IReadOnlyList<string> Engines,
    long? WeightsBytes,
    string Source);
