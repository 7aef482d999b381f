using System.ComponentModel;
using LlmFleet.Catalog.Models;
using LlmFleet.Planning;
using LlmFleet.Planning.Placement;
using Spectre.Console.Cli;

namespace LlmFleet.Cli.Commands.Plan;

/// <summary>The options that describe a deployment to plan: shared by <c>plan</c> and <c>deploy</c>, so the two accept
/// the same names with the same defaults.</summary>
internal class PlanSettings : GoodputSettings
{
    [CommandArgument(0, "<model>")]
    [Description("A catalog id (see `llmfleet models`), a path to a config.json, or a folder holding one.")]
    public string Model { get; init; } = "";

    [CommandOption("--quant")]
    [Description("Weight format (see `llmfleet quants`). Default: the best format for the hardware (for each tier without --gpu), quality first.")]
    public string? Quant { get; init; }

    [CommandOption("--gpu")]
    [Description("Hardware id (see `llmfleet hardware`). `plan` without it gives one recommendation per tier; `deploy` needs it.")]
    public string? Gpu { get; init; }

    [CommandOption("--gpus")]
    [Description("Total GPUs over all nodes (of one replica, for deploy). Default: the fewest that fit.")]
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

    [CommandOption("--min-usable-tps")]
    [Description("Single-stream speed under which a configuration loads, but is too slow: never offered as a fit. Default: 2.")]
    public double MinUsableTps { get; init; } = 2;

    [CommandOption("--served-model-name")]
    [Description("The name clients ask for, passed to vLLM as --served-model-name. Default: the model's Hub id.")]
    public string? ServedModelName { get; init; }

    [CommandOption("--tensor-parallel-size")]
    [Description("Force vLLM's tensor-parallel size (the plan is computed for exactly this layout). Default: the planner's choice.")]
    public int? TensorParallelSize { get; init; }

    [CommandOption("--pipeline-parallel-size")]
    [Description("Force vLLM's pipeline-parallel size. Default: the planner's choice.")]
    public int? PipelineParallelSize { get; init; }

    [CommandOption("--data-parallel-size")]
    [Description("Force vLLM's data-parallel size (replicas). Default: the planner's choice.")]
    public int? DataParallelSize { get; init; }

    [CommandOption("--enable-expert-parallel")]
    [Description("Spread the routed experts over the TP × DP ranks (vLLM's flag). With a forced layout, off unless given.")]
    public bool EnableExpertParallel { get; init; }


    /// <exception cref="LlmFleet.Catalog.CatalogException">The model cannot be resolved.</exception>
    public PlanRequest ToRequest() => new(
        ModelSource.Resolve(Model), Quant, Gpu, Gpus, Nodes, RamGb, Context, Concurrency, KvDtype, GpuMemoryUtilization,
        MtpAcceptance, RamChannels, RamType,
        new LayoutRequest(TensorParallelSize, PipelineParallelSize, DataParallelSize, EnableExpertParallel ? true : null),
        ToTarget(), MinUsableTps, ServedModelName);
}
