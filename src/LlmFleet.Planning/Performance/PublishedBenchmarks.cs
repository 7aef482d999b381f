using LlmFleet.Catalog.Models;
using LlmFleet.Planning.Placement;
using LlmFleet.Planning.Data;

namespace LlmFleet.Planning.Performance;

/// <summary>One published serving measurement from <c>Data/Calibration/published-benchmarks.json</c>.</summary>
public sealed record PublishedBenchmark(
    string Id,
    string Set,
    string Model,
    string Quant,
    string Gpu,
    int Gpus,
    int TensorParallel,
    int DataParallel,
    bool ExpertParallel,
    string Engine,
    int Concurrency,
    int InputTokens,
    int OutputTokens,
    string Metric,
    double Value,
    double? MtpAcceptance,
    string Source)
{
    public bool HeldOut => Set == "held_out";
}

/// <summary>
/// The published serving measurements the engine costs are fitted on (two thirds) and checked against (the held-out
/// third), and what the planner predicts for each: it plans the benchmark's own layout at its mean context and turns
/// the plan into the benchmark's metric.
/// </summary>
public static class PublishedBenchmarks
{
    public static IReadOnlyList<PublishedBenchmark> All { get; } = Load();

    /// <summary>The planner's figure for <paramref name="b"/>'s metric with <paramref name="calibration"/>.</summary>
    /// <exception cref="PlanningException">The benchmark's configuration cannot be planned.</exception>
    public static double Predict(PublishedBenchmark b, Calibration calibration)
    {
        // Decode steps read the prompt plus half the output on average.
        var context = b.InputTokens + b.OutputTokens / 2;
        var request = new PlanRequest(ModelSource.Resolve(b.Model), b.Quant, b.Gpu, b.Gpus, Context: context,
            Concurrency: b.Concurrency, MtpAcceptance: b.MtpAcceptance,
            Layout: new LayoutRequest(b.TensorParallel, 1, b.DataParallel, b.ExpertParallel));
        var p = Planner.Plan(request, calibration.ServedBy(b.Engine));
        if (!p.Fits)
        {
            throw new PlanningException($"{b.Id}: the benchmark's layout does not fit in the planner ({string.Join("; ", p.Warnings)})");
        }
        var n = (double)p.AggregateConcurrency;
        var perStream = p.DecodeTokensPerSecondAggregate / n;
        return b.Metric switch
        {
            "tpot_ms" => 1000 / perStream,
            // Output over the whole request: the prompt's prefill, then the decode.
            "output_tokens_per_second_per_stream" => b.OutputTokens / (p.TtftSeconds * b.InputTokens / context + b.OutputTokens / perStream),
            // A closed-loop benchmark: each of N streams prefills its prompt, then decodes, the prefills sharing the
            // GPUs with the others' decode steps.
            "output_tokens_per_second_total" => n * b.OutputTokens
                / (n * b.OutputTokens / p.DecodeTokensPerSecondAggregate + n * b.InputTokens / p.PrefillTokensPerSecond),
            _ => throw new PlanningException($"{b.Id}: unknown metric '{b.Metric}'"),
        };
    }

    /// <summary>The relative error (planner − published) / published; for TPOT, of the speed it stands for.</summary>
    public static double Error(PublishedBenchmark b, double predicted) => b.Metric == "tpot_ms"
        ? b.Value / predicted - 1
        : predicted / b.Value - 1;

    private static List<PublishedBenchmark> Load() =>
        EmbeddedData.ReadList("Calibration/published-benchmarks.json", "benchmarks", PlanningDataJsonContext.Default.PublishedBenchmark);
}
