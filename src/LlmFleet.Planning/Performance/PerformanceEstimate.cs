namespace LlmFleet.Planning.Performance;

/// <summary>The speed figures of one placed deployment.</summary>
/// <param name="AggregateConcurrency">Sequences the aggregate figure decodes together (per replica times replicas).</param>
/// <param name="MtpAcceptance">Acceptance length included in the decode figures (1 without MTP).</param>
/// <param name="Goodput">The highest per-replica concurrency that meets the interactivity target, and its speeds.</param>
internal sealed record PerformanceEstimate(
    double DecodeTokensPerSecondSingleStream,
    double DecodeTokensPerSecondAggregate,
    int AggregateConcurrency,
    double PrefillTokensPerSecond,
    double TtftSeconds,
    double MtpAcceptance,
    GoodputEstimate Goodput,
    RooflineStepTimeModel StepTime);

/// <summary>
/// Goodput of one replica: the most sequences it decodes together while each still streams at least the target
/// speed and a new request's first token still arrives within the target time.
/// </summary>
/// <param name="ConcurrencyPerReplica">Sequences per replica (0 when even one stream misses the target).</param>
/// <param name="StreamTokensPerSecond">Decode speed each stream sees at that concurrency (1 / inter-token latency).</param>
/// <param name="ReplicaTokensPerSecond">Output tokens per second of one replica at that concurrency.</param>
/// <param name="TtftSeconds">Time to first token of a full-context prompt arriving at that load.</param>
/// <param name="MinStreamTokensPerSecond">The target per-stream speed.</param>
/// <param name="MaxTtftSeconds">The target time to first token.</param>
public sealed record GoodputEstimate(
    int ConcurrencyPerReplica,
    double StreamTokensPerSecond,
    double ReplicaTokensPerSecond,
    double TtftSeconds,
    double MinStreamTokensPerSecond,
    double MaxTtftSeconds)
{
    public bool MeetsTarget => ConcurrencyPerReplica > 0;
}
