namespace LlmFleet.Simulation.Engine;

/// <summary>Why the engine finished a request: the <c>finished_reason</c> label of <c>vllm:request_success_total</c>.</summary>
internal enum EngineFinishReason
{
    /// <summary>The model stopped (EOS, a stop string, a finished tool call).</summary>
    Stop,

    /// <summary>The token limit was reached.</summary>
    Length,

    /// <summary>The client went away or the twin shut down.</summary>
    Abort,
}
