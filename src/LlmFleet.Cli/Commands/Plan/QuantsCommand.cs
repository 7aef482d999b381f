using System.ComponentModel;
using System.Globalization;
using LlmFleet.Catalog.Models;
using LlmFleet.Catalog.Quantization;
using LlmFleet.Cli.Infrastructure;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LlmFleet.Cli.Commands.Plan;

/// <summary><c>llmfleet quants [model]</c>: the weight formats, their bits per weight by tensor class and engines;
/// with a model, the size of its weights in each format, published or estimated.</summary>
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
        var rows = QuantizationCatalog.Default.All.Select(f => Report(f, model, parameters)).ToList();
        if (settings.Json)
        {
            CliJson.Write(console, rows, CliJson.Context.ListQuantReport);
            return ExitCodes.Success;
        }
        var c = CultureInfo.InvariantCulture;
        var table = new Table().Border(TableBorder.Rounded).AddColumn("id")
            .AddColumn(new TableColumn("bits/weight (routed experts)").RightAligned())
            .AddColumn(new TableColumn("bits/weight (attention)").RightAligned())
            .AddColumn("engines").AddColumn("compute");
        if (model is not null)
        {
            table.AddColumn(new TableColumn($"{model.Id} weights").RightAligned()).AddColumn("size");
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
                cells.Add(r.WeightsSource ?? "");
            }
            table.AddRow([.. cells]);
        }
        console.Ansi.Write(table);
        foreach (var r in rows.Where(r => r.WeightsSourceUrl is not null))
        {
            console.Ansi.MarkupLine(Markup.Escape($"{r.Id}: published size {Units.Gb(r.WeightsBytes!.Value)} ({r.WeightsSourceUrl}); " +
                $"the recipe estimates {Units.Gb(r.EstimatedWeightsBytes!.Value)}"));
        }
        return ExitCodes.Success;
    }

    private static QuantReport Report(QuantizationFormat f, ModelSource? model, ParameterBreakdown? parameters)
    {
        WeightFootprint? weights = null;
        long? estimate = null;
        if (model is not null && parameters is not null)
        {
            // As the planner sizes it: GGUF files of GLM models keep the next-n layer; a published file size wins.
            var includeMtp = f.IsGguf && WeightFootprint.GgufKeepsMtp(model.Architecture);
            weights = WeightFootprint.For(model, parameters, f, includeMtp);
            estimate = WeightFootprint.Compute(parameters, f, includeMtp).TotalBytes;
        }
        return new QuantReport(
            f.Id, f.Name, f.Description, f.DefaultBitsPerWeight,
            Enum.GetValues<TensorClass>().ToDictionary(c => c.ToName(), f.BitsPerWeight),
            f.TypesByClass.ToDictionary(kv => kv.Key.ToName(), kv => kv.Value),
            f.Compute.ToString().ToLowerInvariant(),
            [.. f.Engines.Select(e => e.ToName())],
            weights?.TotalBytes,
            weights?.Source,
            weights?.Published?.Source,
            estimate,
            f.Source);
    }
}

/// <param name="WeightsBytes">The model's weights in this format, when a model was given, as the planner sizes them: the
/// published file size where one exists, otherwise the estimate (main model; GGUF files of GLM models keep the next-n
/// layer).</param>
/// <param name="WeightsSource"><c>published</c> or <c>estimate</c>, when a model was given.</param>
/// <param name="WeightsSourceUrl">Where the published size was read; null for an estimate.</param>
/// <param name="EstimatedWeightsBytes">The per-class recipe's estimate, published size or not, when a model was given.</param>
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
    string? WeightsSource,
    string? WeightsSourceUrl,
    long? EstimatedWeightsBytes,
    string Source);
