using LlmFleet.Catalog.Models;
using LlmFleet.Planning;

namespace LlmFleet.Cli.Commands.Plan;

/// <summary>The JSON shape of <c>plan --json</c>; recommendations are the same objects with their tier, and each tier's
/// best option carries why it was chosen, its alternatives, the options that load but run too slowly, and why better
/// formats were left out.</summary>
/// <param name="WeightsSource"><c>published</c> (the size of the published GGUF file) or <c>estimate</c> (the per-class
/// recipe); empty for a tier where nothing fits.</param>
/// <param name="WeightsSourceUrl">Where the published size was read; null for an estimate.</param>
internal sealed record PlanReport(
    string? Tier,
    string Model,
    string Quantization,
    string? Gpu,
    bool Fits,
    string? Reason,
    double? PriceUsd,
    double? UsdPerHour,
    long WeightsBytes,
    IReadOnlyDictionary<string, long> WeightsBytesByClass,
    string WeightsSource,
    string? WeightsSourceUrl,
    long KvCacheBytesPerToken,
    string KvCacheDtype,
    long KvCacheTokens,
    int MaxConcurrency,
    long ContextTokens,
    int Gpus,
    int Nodes,
    int TensorParallelSize,
    int PipelineParallelSize,
    int DataParallelSize,
    bool ExpertParallel,
    long WeightsBytesPerGpu,
    long RuntimeOverheadBytesPerGpu,
    long KvCacheBudgetBytesPerGpu,
    long OffloadBytes,
    long ShortfallBytes,
    IReadOnlyList<string> Alternatives,
    DecodeReport DecodeTokensPerSecond,
    double PrefillTokensPerSecond,
    double TtftSeconds,
    string Engine,
    string Command,
    string? DockerCommand,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<PlanReport>? Recommendations,
    bool TooSlow = false,
    string? Why = null,
    IReadOnlyList<PlanReport>? OtherOptions = null,
    IReadOnlyList<PlanReport>? TooSlowOptions = null,
    IReadOnlyList<string>? LeftOut = null)
{
    public static PlanReport From(DeploymentPlan p, string? tier = null, double? priceUsd = null, double? usdPerHour = null) => new(
        tier,
        p.ModelId,
        p.Quantization,
        p.Hardware?.Id,
        p.Fits,
        null,
        priceUsd,
        usdPerHour,
        p.WeightsBytes,
        p.WeightsBytesByClass.OrderBy(kv => kv.Key).ToDictionary(kv => kv.Key.ToName(), kv => kv.Value),
        p.WeightsSource,
        p.WeightsSourceUrl,
        p.KvCacheBytesPerToken,
        p.KvCacheDtype,
        p.KvCacheTokens,
        p.MaxConcurrency,
        p.ContextTokens,
        p.Gpus,
        p.Nodes,
        p.TensorParallelSize,
        p.PipelineParallelSize,
        p.DataParallelSize,
        p.ExpertParallel,
        p.WeightsBytesPerGpu,
        p.RuntimeOverheadBytesPerGpu,
        p.KvCacheBudgetBytesPerGpu,
        p.OffloadBytes,
        p.ShortfallBytes,
        p.Alternatives,
        new DecodeReport(p.DecodeTokensPerSecondSingleStream, p.DecodeTokensPerSecondAggregate, p.AggregateConcurrency, p.MtpAcceptance,
            GoodputReport.From(p.Goodput)),
        p.PrefillTokensPerSecond,
        p.TtftSeconds,
        p.Engine,
        p.Command,
        p.DockerCommand,
        p.Warnings,
        p.Recommendations.Count == 0 ? null : [.. p.Recommendations.Select(FromTier)],
        p.TooSlow);

    private static PlanReport FromTier(TierRecommendation t)
    {
        var tooSlow = t.TooSlow.Select(o => Option(t.Tier, o)).ToList();
        return t.Best is { } best
            ? Option(t.Tier, best) with
            {
                Why = t.Why,
                OtherOptions = [.. t.Alternatives.Select(o => Option(t.Tier, o))],
                TooSlowOptions = tooSlow,
                LeftOut = t.LeftOut,
            }
            : Empty(t.Tier, t.Reason) with { TooSlowOptions = tooSlow };
    }

    private static PlanReport Option(string tier, TierOption o) => From(o.Plan, tier, o.PriceUsd, o.UsdPerHour);

    private static PlanReport Empty(string tier, string? reason) => new(
        tier, "", "", null, false, reason, null, null, 0, new Dictionary<string, long>(), "", null, 0, "", 0, 0, 0, 0, 0, 0, 0, 0, false, 0, 0, 0, 0, 0, [],
        new DecodeReport(0, 0, 0, 1, null), 0, 0, "", "", null, [], null);
}

/// <param name="AggregateConcurrency">Sequences decoded together in the aggregate figure.</param>
/// <param name="MtpAcceptance">MTP acceptance length included (1 = no MTP).</param>
/// <param name="Goodput">The highest concurrency per replica that meets the interactivity target.</param>
internal sealed record DecodeReport(double SingleStream, double Aggregate, int AggregateConcurrency, double MtpAcceptance,
    GoodputReport? Goodput);

/// <summary>Goodput in the JSON: the concurrency per replica, the speed each stream sees, the replica's output, the
/// TTFT at that load, and the target they were measured against.</summary>
internal sealed record GoodputReport(int ConcurrencyPerReplica, double StreamTokensPerSecond, double ReplicaTokensPerSecond,
    double TtftSeconds, double MinStreamTokensPerSecond, double MaxTtftSeconds)
{
    public static GoodputReport From(LlmFleet.Planning.Performance.GoodputEstimate g) => new(g.ConcurrencyPerReplica,
        g.StreamTokensPerSecond, g.ReplicaTokensPerSecond, g.TtftSeconds, g.MinStreamTokensPerSecond, g.MaxTtftSeconds);
}
