using System.Globalization;
using LlmFleet.Cli.Infrastructure;
using LlmFleet.Planning;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LlmFleet.Cli.Commands.Plan;

/// <summary>
/// <c>llmfleet plan &lt;model&gt;</c>: memory, fit, parallelism, offload, speed and the launch command. Exit code 1
/// when the configuration does not fit.
/// </summary>
internal sealed class PlanCommand(CliConsole console) : Command<PlanCommand.Settings>
{
    public sealed class Settings : PlanSettings
    {
        [CommandOption("--json")]
        public bool Json { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var plan = Planner.Plan(settings.ToRequest());
        if (settings.Json)
        {
            CliJson.Write(console, PlanReport.From(plan), CliJson.Context.PlanReport);
        }
        else if (plan.Recommendations.Count > 0)
        {
            foreach (var tier in plan.Recommendations)
            {
                RenderTier(tier);
            }
        }
        else
        {
            PlanRenderer.Render(console, plan);
        }
        return plan.Fits && !plan.TooSlow ? ExitCodes.Success : ExitCodes.No;
    }

    private void RenderTier(TierRecommendation tier)
    {
        if (tier.Best is not { } best)
        {
            console.Ansi.MarkupLine($"[bold]{tier.Tier}[/]: [yellow]none runs usably[/] ({Markup.Escape(tier.Reason ?? "")})");
        }
        else
        {
            console.Ansi.MarkupLine($"[bold]{tier.Tier}[/]: " + Markup.Escape(Headline(best.Plan, best.RamGb) + Price(best)));
            console.Ansi.WriteLine("  why: " + tier.Why);
            console.Ansi.WriteLine("  " + best.Plan.Command);
            foreach (var o in tier.Alternatives)
            {
                console.Ansi.WriteLine("  or: " + Brief(o));
            }
            foreach (var note in tier.LeftOut)
            {
                console.Ansi.WriteLine("  left out: " + note);
            }
        }
        foreach (var o in tier.TooSlow)
        {
            console.Ansi.MarkupLine("  [yellow]loads, but too slow[/]: " + Markup.Escape(Brief(o)));
        }
    }

    /// <summary>One line for an alternative: where, format, speed at one stream and at goodput, price.</summary>
    private static string Brief(TierOption o)
    {
        var p = o.Plan;
        var c = CultureInfo.InvariantCulture;
        return $"{Where(p, o.RamGb)} {p.Quantization} ({p.Engine}): {p.DecodeTokensPerSecondSingleStream.ToString("0.#", c)} tok/s single stream" +
            // Every data-parallel replica of the option serves its own goodput: the option's total is theirs together.
            (p.Goodput.MeetsTarget
                ? $", {(p.Goodput.ReplicaTokensPerSecond * p.DataParallelSize).ToString("N0", c)} tok/s at {p.Goodput.ConcurrencyPerReplica * p.DataParallelSize} streams"
                : "") +
            Price(o);
    }

    private static string Price(TierOption t) =>
        t.PriceUsd is { } usd ? $"; about ${usd.ToString("N0", CultureInfo.InvariantCulture)}"
        : t.UsdPerHour is { } h ? $"; about ${h.ToString("N2", CultureInfo.InvariantCulture)}/hour" : "";

    /// <summary>The hardware of a plan: GPUs and their count, or the Mac with its unified memory when known.</summary>
    private static string Where(DeploymentPlan p, double? ramGb) => p.Hardware is { IsUnifiedMemory: true } hw
        ? hw.Id + (ramGb is { } gb ? $" {gb.ToString("N0", CultureInfo.InvariantCulture)} GB" : "")
        : $"{p.Gpus} x {p.Hardware?.Id}";

    internal static string Headline(DeploymentPlan p, double? ramGb = null)
    {
        var c = CultureInfo.InvariantCulture;
        return $"{Where(p, ramGb)} {p.Quantization} ({p.Engine}, TP {p.TensorParallelSize}, PP {p.PipelineParallelSize}" +
            (p.DataParallelSize > 1 ? $", DP {p.DataParallelSize}" : "") + (p.ExpertParallel ? ", EP" : "") + ")" +
            (p.OffloadBytes > 0 ? $", {Units.Gb(p.OffloadBytes)} offloaded to RAM" : "") +
            $": {p.DecodeTokensPerSecondSingleStream.ToString("0.#", c)} tok/s single stream, " +
            $"{p.DecodeTokensPerSecondAggregate.ToString(p.DecodeTokensPerSecondAggregate >= 100 ? "N0" : "0.#", c)} tok/s at {p.AggregateConcurrency} concurrent" +
            (p.Goodput.MeetsTarget
                ? $"; goodput {p.Goodput.ConcurrencyPerReplica} streams per replica at {p.Goodput.StreamTokensPerSecond.ToString("0.#", c)} tok/s each, {p.Goodput.ReplicaTokensPerSecond.ToString("N0", c)} tok/s per replica"
                : $"; no concurrency meets {p.Goodput.MinStreamTokensPerSecond.ToString("0.#", c)} tok/s per stream within {p.Goodput.MaxTtftSeconds.ToString("0.#", c)} s TTFT");
    }
}
