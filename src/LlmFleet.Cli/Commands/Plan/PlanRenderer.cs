using System.Globalization;
using LlmFleet.Catalog.Models;
using LlmFleet.Cli.Infrastructure;
using LlmFleet.Planning;
using Spectre.Console;

namespace LlmFleet.Cli.Commands.Plan;

/// <summary>Human output of one plan: verdict, memory table, speed, command, warnings.</summary>
internal static class PlanRenderer
{
    public static void Render(CliConsole console, DeploymentPlan p)
    {
        var c = CultureInfo.InvariantCulture;
        var verdict = p.Fits ? "[green]fits[/]" : "[red]does not fit[/]";
        console.Ansi.MarkupLine($"[bold]{Markup.Escape(p.ModelId)}[/] {Markup.Escape(p.Quantization)} on " +
            $"{Markup.Escape(p.Hardware?.Name ?? "?")}: {verdict}");
        var table = new Table().Border(TableBorder.Rounded).AddColumn("").AddColumn(new TableColumn("value").RightAligned());
        foreach (var (cls, bytes) in p.WeightsBytesByClass.OrderBy(kv => kv.Key))
        {
            table.AddRow($"weights: {cls.ToName()}", Units.Gb(bytes));
        }
        var source = p.WeightsSourceUrl is { } url ? $"{p.WeightsSource}: {url}" : p.WeightsSource;
        table.AddRow("[bold]weights total[/]", $"{Units.Gb(p.WeightsBytes)} ({Markup.Escape(source)})");
        table.AddRow("weights per GPU", Units.Gb(p.WeightsBytesPerGpu));
        table.AddRow("runtime overhead per GPU", Units.Gb(p.RuntimeOverheadBytesPerGpu));
        table.AddRow("KV budget per GPU", Units.Gb(p.KvCacheBudgetBytesPerGpu));
        table.AddRow($"KV per token ({Markup.Escape(p.KvCacheDtype)})", p.KvCacheBytesPerToken.ToString("N0", c) + " B");
        table.AddRow("KV cache capacity", p.KvCacheTokens.ToString("N0", c) + " tokens");
        table.AddRow($"max concurrency at {p.ContextTokens:N0} tokens", p.MaxConcurrency.ToString("N0", c));
        if (p.OffloadBytes > 0)
        {
            table.AddRow("offloaded to system RAM", Units.Gb(p.OffloadBytes));
        }
        if (p.ShortfallBytes > 0)
        {
            table.AddRow("[red]short by[/]", Units.Gb(p.ShortfallBytes));
        }
        console.Ansi.Write(table);
        if (p.Fits)
        {
            console.Ansi.MarkupLine(Markup.Escape(PlanCommand.Headline(p)) +
                $"; prefill {p.PrefillTokensPerSecond.ToString("N0", c)} tok/s, TTFT {p.TtftSeconds.ToString("0.##", c)} s at {p.ContextTokens:N0} tokens" +
                (p.MtpAcceptance > 1 ? $" (MTP acceptance {p.MtpAcceptance.ToString("0.##", c)})" : ""));
        }
        foreach (var alt in p.Alternatives)
        {
            console.Ansi.MarkupLine($"would fit: {Markup.Escape(alt)}");
        }
        console.Ansi.WriteLine(p.Command);
        if (p.DockerCommand is { } docker)
        {
            console.Ansi.WriteLine(docker);
        }
        foreach (var w in p.Warnings)
        {
            console.Ansi.MarkupLine($"[yellow]warning:[/] {Markup.Escape(w)}");
        }
    }
}
