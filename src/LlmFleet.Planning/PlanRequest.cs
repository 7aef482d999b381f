using LlmFleet.Catalog.Models;
using LlmFleet.Planning.Performance;
using LlmFleet.Planning.Placement;

namespace LlmFleet.Planning;

/// <summary>What to plan: a model, a precision, and (optionally) the hardware and workload.</summary>
/// <param name="Model">The model, from <see cref="ModelSource.Resolve"/>.</param>
/// <param name="Quantization">A format id from <c>QuantizationCatalog</c>: <c>fp8</c>, <c>bf16</c>, <c>gguf:UD-IQ2_XXS</c>...;
/// null: the best format for the hardware (per tier without a GPU), quality first.</param>
/// <param name="Gpu">A hardware id (<c>h200</c>, <c>rtx4090</c>, <c>m3-ultra</c>...); null plans one recommendation per tier.</param>
/// <param name="Gpus">Total GPUs over all nodes; null picks the smallest count that fits.</param>
/// <param name="Nodes">Servers the GPUs are spread over; null: as few as the GPUs per node allow.</param>
/// <param name="RamGb">System RAM in GB (10^9 bytes); for Apple, the unified memory.</param>
/// <param name="Context">Maximum model length in tokens; null: the model's maximum capped at 131,072, shrunk to what fits.</param>
/// <param name="Concurrency">Sequences decoded together for the aggregate figure (default 1).</param>
/// <param name="KvDtype"><c>auto</c> (the engine's default: <c>fp8_ds_mla</c> for DSA models in vLLM, else the model dtype),
/// <c>bf16</c> or <c>fp8</c>.</param>
/// <param name="GpuMemoryUtilization">vLLM's fraction of GPU memory it may use (default 0.9).</param>
/// <param name="MtpAcceptance">Mean tokens accepted per step with MTP speculative decoding; null: figures without MTP.</param>
/// <param name="RamChannels">Memory channels of the host (default from the hardware data: 8).</param>
/// <param name="RamType">DDR type and speed, e.g. <c>ddr5-4800</c> (default from the hardware data).</param>
/// <param name="Layout">The parallel layout forced with vLLM's flags; null or empty: the planner chooses.</param>
/// <param name="Target">The interactivity target goodput is measured against; null: 20 tok/s per stream, 2 s TTFT.</param>
/// <param name="MinUsableTokensPerSecond">Single-stream speed below which a configuration "loads, but is too slow":
/// never offered as a fit.</param>
/// <param name="ServedModelName">The model name the launch command serves under (vLLM's <c>--served-model-name</c>).</param>
public sealed record PlanRequest(
    ModelSource Model,
    string? Quantization,
    string? Gpu = null,
    int? Gpus = null,
    int? Nodes = null,
    double? RamGb = null,
    long? Context = null,
    int Concurrency = 1,
    string KvDtype = "auto",
    double GpuMemoryUtilization = 0.9,
    double? MtpAcceptance = null,
    int? RamChannels = null,
    string? RamType = null,
    LayoutRequest? Layout = null,
    InteractivityTarget? Target = null,
    double MinUsableTokensPerSecond = 2,
    string? ServedModelName = null);
