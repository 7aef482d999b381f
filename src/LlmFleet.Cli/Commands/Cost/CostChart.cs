using LlmFleet.Cli.Infrastructure;
using LlmFleet.Planning.Cost;
using ScottPlot;

namespace LlmFleet.Cli.Commands.Cost;

/// <summary>Cumulative cost of each option by month, with the break-even points marked, as PNG or SVG.</summary>
internal static class CostChart
{
    private const int WidthPixels = 1100;
    private const int HeightPixels = 650;

    public static void Save(CostReport report, string title, string path)
    {
        var extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension is not (".png" or ".svg"))
        {
            throw new UsageException($"--plot must name a .png or .svg file (got '{path}')");
        }

        var plot = new Plot();
        var colors = new Dictionary<string, Color>
        {
            [CostOptions.Buy] = Colors.SteelBlue,
            [CostOptions.Rent] = Colors.DarkOrange,
            [CostOptions.Hybrid] = Colors.SeaGreen,
            [CostOptions.Api] = Colors.Crimson,
        };
        foreach (var option in report.Options)
        {
            double[] months = [0, .. Enumerable.Range(1, option.CumulativeCostUsd.Count).Select(m => (double)m)];
            double[] dollars = [option.UpfrontCostUsd, .. option.CumulativeCostUsd];
            var line = plot.Add.Scatter(months, dollars, colors[option.Name]);
            line.LegendText = $"{option.Name}: ${option.MonthlyCostUsd:N0}/month";
            line.LineWidth = option.Name == report.Recommendation.Option ? 4 : 2;
            line.MarkerSize = 0;
        }

        foreach (var (pair, month) in report.BreakEvenMonths)
        {
            if (month is not { } m)
            {
                continue;
            }
            var first = pair.Split("_vs_")[0];
            var y = report.Option(first).CumulativeCostUsd[m - 1];
            var marker = plot.Add.Marker(m, y, MarkerShape.FilledCircle, 11, Colors.Black);
            marker.LegendText = "";
            var label = plot.Add.Text($"{pair.Replace("_vs_", " = ")}: month {m}", m, y);
            label.LabelFontSize = 13;
            label.LabelOffsetX = 8;
            label.LabelOffsetY = -8;
        }

        plot.Title(title);
        plot.XLabel("months");
        plot.YLabel("cumulative cost (USD)");
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            LabelFormatter = v => Math.Abs(v) >= 1e6 ? $"${v / 1e6:0.#}M" : $"${v / 1e3:0}k",
        };
        plot.Axes.Margins(bottom: 0);
        plot.Axes.SetLimitsX(0, report.Options[0].CumulativeCostUsd.Count);
        plot.ShowLegend(Alignment.UpperLeft);

        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(directory))
        {
            throw new UsageException($"--plot: folder '{directory}' does not exist");
        }
        // Write beside the target and move into place, so a failed render never leaves a half-written chart.
        var temporary = path + ".tmp" + extension;
        if (extension == ".png")
        {
            plot.SavePng(temporary, WidthPixels, HeightPixels);
        }
        else
        {
            plot.SaveSvg(temporary, WidthPixels, HeightPixels);
        }
        File.Move(temporary, path, overwrite: true);
    }
}
