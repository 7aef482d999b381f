namespace LlmFleet.Planning.Performance;

/// <summary>
/// The planner's step-time model, as the vLLM twin sees it: a step's decode part costs what
/// <see cref="DecodeCost.StepSeconds"/> says for its batch, and each prefilled token adds a constant
/// <see cref="PrefillSecondsPerToken"/> (the plan's prefill rate, which already spreads per-chunk overheads over the
/// chunk). So a lone decode step at context C takes 1 / single-stream decode rate, and N prefill tokens take
/// N / prefill rate.
/// </summary>
internal sealed class RooflineStepTimeModel(DecodeCost decode, double prefillSecondsPerToken) : IStepTimeModel
{
    public DecodeCost Decode { get; } = decode;

    public double PrefillSecondsPerToken { get; } = prefillSecondsPerToken;

    public TimeSpan StepTime(int prefillTokens, int decodeSequences, long decodeContextTokens)
    {
        var seconds = Math.Max(0, prefillTokens) * PrefillSecondsPerToken
            + Decode.StepSeconds(decodeSequences, 1, decodeContextTokens);
        return TimeSpan.FromSeconds(seconds);
    }
}
