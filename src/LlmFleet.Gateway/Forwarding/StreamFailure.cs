namespace LlmFleet.Gateway.Forwarding;

/// <summary>Why a streamed response ended early on the backend's side.</summary>
internal enum StreamFailure
{
    None = 0,

    /// <summary>The connection broke or the body ended mid-stream (the backend died, or dropped the stream).</summary>
    Cut,

    /// <summary>No first event within <c>first_token</c>, or silence longer than <c>idle</c> between events.</summary>
    TimedOut,

    /// <summary>The backend answered 200 and then reported a failure in the stream itself: an error event
    /// (<c>data: {"error": …}</c>, vLLM's way when the engine fails after the response started).</summary>
    ErrorEvent,
}
