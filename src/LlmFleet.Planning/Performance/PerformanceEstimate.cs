namespace LlmFleet.Planning.Performance;

/// <summary>The speed figures of one placed deployment.</summary>
/// <param name="AggregateConcurrency">Sequences the aggregate figure decodes together (per replica times replicas).</param>
/// <param name="MtpAcceptance">Acceptance length included in the decode figures (1 without MTP).</param>
internal sealed record PerformanceEstimate(
    double DecodeTokensPerSecondSingleStream,
    double DecodeTokensPerSecondAggregate,
    int AggregateConcurrency,
    double PrefillTokensPerSecond,
    double TtftSeconds,
    double MtpAcceptance,
    RooflineStepTimeModel StepTime);
