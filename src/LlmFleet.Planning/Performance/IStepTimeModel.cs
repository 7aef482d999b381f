namespace LlmFleet.Planning.Performance;

/// <summary>
/// How long one engine step takes for a given deployment (model, quantization, hardware, parallelism): the planner's
/// performance model seen from a continuous-batching scheduler. The vLLM twin times its steps with it, so the twin's
/// TTFT and inter-token latency follow the planner's estimates.
/// </summary>
public interface IStepTimeModel
{
    /// <summary>
    /// Duration of one step that prefills <paramref name="prefillTokens"/> prompt tokens (possibly chunks of several
    /// prompts) and decodes one token for each of <paramref name="decodeSequences"/> running sequences whose contexts
    /// add up to <paramref name="decodeContextTokens"/> tokens (the KV the step must read).
    /// </summary>
    TimeSpan StepTime(int prefillTokens, int decodeSequences, long decodeContextTokens);
}
