using System.Globalization;
using LlmFleet.Monitoring;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace LlmFleet.Cli.Commands.Monitor;

/// <summary>The fleet as a terminal table (one row per backend) with the alerts firing underneath: <c>top</c>'s view.</summary>
internal static class FleetTable
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static IRenderable Render(FleetSnapshot fleet, string source)
    {
        // Columns that would be empty everywhere are left out, so the table fits an 80-column terminal more often.
        var models = fleet.Models.Count > 1;
        var gpus = fleet.AllBackends().Any(b => b.Gpus is not null);
        var table = new Table().Border(TableBorder.Rounded).Expand()
            .Title($"[bold]LLM Fleet[/] · {Markup.Escape(source)} · {fleet.TakenAt.ToLocalTime():HH:mm:ss} · rates over {fleet.WindowSeconds.ToString("0.#", C)} s")
            .AddColumn("#").AddColumn("backend");
        if (models)
        {
            table.AddColumn("model");
        }
        table.AddColumn("status").AddColumn(Right("run")).AddColumn(Right("wait")).AddColumn(Right("KV"))
            .AddColumn(Right("gen tok/s")).AddColumn(Right("prompt tok/s")).AddColumn(Right("req/s"))
            .AddColumn(Right("TTFT p50/p95")).AddColumn(Right("ITL p95")).AddColumn(Right("errors"));
        if (gpus)
        {
            table.AddColumn(Right("GPU util")).AddColumn(Right("GPU mem"));
        }
        foreach (var model in fleet.Models)
        {
            foreach (var b in model.Backends)
            {
                var cells = new List<string> { b.Id.ToString(C), Markup.Escape(b.Name) };
                if (models)
                {
                    cells.Add(Markup.Escape(model.Name));
                }
                cells.AddRange(
                [
                    Status(b.Status), N(b.Running, "0"), Level(b.Waiting, 1, 6, N(b.Waiting, "0")),
                    Level(b.KvCacheUsageFraction, 0.8, 0.9, P(b.KvCacheUsageFraction)),
                    N(b.GenerationTokensPerSecond, "0"), N(b.PromptTokensPerSecond, "0"), N(b.RequestsPerSecond, "0.00"),
                    $"{S(b.TtftP50Seconds)} / {S(b.TtftP95Seconds)}", S(b.InterTokenP95Seconds),
                    Level(b.ErrorFraction, 0.001, 0.01, b.ErrorFraction is { } e ? (e * 100).ToString("0.0", C) + " %" : "–"),
                ]);
                if (gpus)
                {
                    cells.Add(b.Gpus is { } g ? g.UtilizationPercent.ToString("0", C) + " %" : "–");
                    cells.Add(b.Gpus is { } m ? Level(m.MaxMemoryUsedFraction, 0.92, 0.95, P(m.MaxMemoryUsedFraction)) : "–");
                }
                table.AddRow([.. cells]);
            }
        }
        var lines = new List<IRenderable> { table };
        foreach (var a in fleet.Alerts)
        {
            var colour = a.Severity == "critical" ? "red" : "yellow";
            lines.Add(new Markup($"[{colour}]● {Markup.Escape(a.AlertName)}[/] backend {a.BackendId} ({Markup.Escape(a.Backend)}): {Markup.Escape(a.Evidence)}"));
        }
        if (fleet.Alerts.Count == 0)
        {
            lines.Add(new Markup("[green]no alerts firing[/]"));
        }
        return new Rows(lines);
    }

    private static TableColumn Right(string name) => new TableColumn(name).RightAligned();

    private static string Status(string status) => status switch
    {
        "up" => "[green]up[/]",
        "down" => "[red bold]down[/]",
        "ejected" => "[yellow]ejected[/]",
        "draining" => "[blue]draining[/]",
        _ => "[grey]" + Markup.Escape(status) + "[/]",
    };

    private static string Level(double? value, double warn, double bad, string text) =>
        value >= bad ? $"[red]{text}[/]" : value >= warn ? $"[yellow]{text}[/]" : text;

    private static string N(double? value, string format) => value?.ToString(format, C) ?? "–";

    private static string P(double? value) => value is { } v ? (v * 100).ToString("0", C) + " %" : "–";

    private static string S(double? seconds) => seconds switch
    {
        null => "–",
        < 1 => (seconds.Value * 1000).ToString("0", C) + " ms",
        _ => seconds.Value.ToString("0.00", C) + " s",
    };
}
