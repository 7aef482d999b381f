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
            CliJson.Write(console, PlanReport.From(plan));
        }
        else if (plan.Recommendations.Count > 0)
        {
            foreach (var tier in plan.Recommendations)
            {
                console.Ansi.MarkupLine($"[bold]{tier.Tier}[/]: " + (tier.Plan is { } p
                    ? Markup.Escape(Headline(p) + Price(tier))
                    : $"[yellow]none fits[/] ({Markup.Escape(tier.Reason ?? "")})"));
                if (tier.Plan is { } shown)
                {
                    console.Ansi.WriteLine("  " + shown.Command);
                }
            }
        }
        else
        {
            PlanRenderer.Render(console, plan);
        }
        return plan.Fits ? ExitCodes.Success : ExitCodes.No;
    }

    private static string Price(TierRecommendation t) =>
        t.PriceUsd is { } usd ? $"; about ${usd.ToString("N0", CultureInfo.InvariantCulture)}"
        : t.UsdPerHour is { } h ? $"; about ${h.ToString("N2", CultureInfo.InvariantCulture)}/hour" : "";

    internal static string Headline(DeploymentPlan p)
    {
        var c = CultureInfo.InvariantCulture;
        var where = p.Hardware is { IsUnifiedMemory: true } hw ? $"{hw.Id}" : $"{p.Gpus} x {p.Hardware?.Id}";
        return $"{where} ({p.Engine}, TP {p.TensorParallelSize}, PP {p.PipelineParallelSize}" +
            (p.DataParallelSize > 1 ? $", DP {p.DataParallelSize}" : "") + (p.ExpertParallel ? ", EP" : "") + ")" +
            (p.OffloadBytes > 0 ? $", {Units.Gb(p.OffloadBytes)} offloaded to RAM" : "") +
            $": {p.DecodeTokensPerSecondSingleStream.ToString("0.#", c)} tok/s single stream, " +
            $"{p.DecodeTokensPerSecondAggregate.ToString(p.DecodeTokensPerSecondAggregate >= 100 ? "N0" : "0.#", c)} tok/s at {p.AggregateConcurrency} concurrent" +
            (p.Goodput.MeetsTarget
                ? $"; goodput {p.Goodput.ConcurrencyPerReplica} streams per replica at {p.Goodput.StreamTokensPerSecond.ToString("0.#", c)} tok/s each, {p.Goodput.ReplicaTokensPerSecond.ToString("N0", c)} tok/s per replica"
                : $"; no concurrency meets {p.Goodput.MinStreamTokensPerSecond.ToString("0.#", c)} tok/s per stream within {p.Goodput.MaxTtftSeconds.ToString("0.#", c)} s TTFT");
    }
}
