using System.ComponentModel;
using System.Globalization;
using LlmFleet.Catalog.Models;
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
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<model>")]
        [Description("A catalog id (see `llmfleet models`), a path to a config.json, or a folder holding one.")]
        public string Model { get; init; } = "";

        [CommandOption("--quant")]
        [Description("Weight format (see `llmfleet quants`). Default: bf16.")]
        public string Quant { get; init; } = "bf16";

        [CommandOption("--gpu")]
        [Description("Hardware id (see `llmfleet hardware`). Without it: one recommendation per tier.")]
        public string? Gpu { get; init; }

        [CommandOption("--gpus")]
        [Description("Total GPUs over all nodes. Default: the fewest that fit.")]
        public int? Gpus { get; init; }

        [CommandOption("--nodes")]
        [Description("Servers the GPUs are spread over. Default: as few as the GPUs per node allow.")]
        public int? Nodes { get; init; }

        [CommandOption("--ram-gb")]
        [Description("System RAM in GB (unified memory for Apple).")]
        public double? RamGb { get; init; }

        [CommandOption("--ram-channels")]
        [Description("Memory channels of the host. Default: 8 (a server/workstation board).")]
        public int? RamChannels { get; init; }

        [CommandOption("--ram-type")]
        [Description("ddr4-3200, ddr5-4800, ddr5-5600 or ddr5-6400. Default: ddr5-4800.")]
        public string? RamType { get; init; }

        [CommandOption("--context")]
        [Description("Maximum model length in tokens. Default: the model's maximum capped at 131072, shrunk to what fits.")]
        public long? Context { get; init; }

        [CommandOption("--concurrency")]
        [Description("Sequences decoded together for the aggregate figure. Default: 1.")]
        public int Concurrency { get; init; } = 1;

        [CommandOption("--kv-dtype")]
        [Description("auto, bf16 or fp8. Default: auto (fp8_ds_mla for DSA models in vLLM).")]
        public string KvDtype { get; init; } = "auto";

        [CommandOption("--gpu-memory-utilization")]
        [Description("vLLM's share of GPU memory. Default: 0.9.")]
        public double GpuMemoryUtilization { get; init; } = 0.9;

        [CommandOption("--mtp-acceptance")]
        [Description("Mean tokens per step with MTP speculative decoding (e.g. 3.5). Default: no MTP gain.")]
        public double? MtpAcceptance { get; init; }

        [CommandOption("--json")]
        public bool Json { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var request = new PlanRequest(
            ModelSource.Resolve(settings.Model), settings.Quant, settings.Gpu, settings.Gpus, settings.Nodes, settings.RamGb,
            settings.Context, settings.Concurrency, settings.KvDtype, settings.GpuMemoryUtilization, settings.MtpAcceptance,
            settings.RamChannels, settings.RamType);
        var plan = Planner.Plan(request);
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
            (p.DataParallelSize > 1 ? $", DP {p.DataParallelSize}" : "") + ")" +
            (p.OffloadBytes > 0 ? $", {Units.Gb(p.OffloadBytes)} offloaded to RAM" : "") +
            $": {p.DecodeTokensPerSecondSingleStream.ToString("0.#", c)} tok/s single stream, " +
            $"{p.DecodeTokensPerSecondAggregate.ToString(p.DecodeTokensPerSecondAggregate >= 100 ? "N0" : "0.#", c)} tok/s at {p.AggregateConcurrency} concurrent";
    }
}
