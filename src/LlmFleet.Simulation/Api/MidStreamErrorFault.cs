using System.IO.Pipelines;
using System.Text.Json;
using LlmFleet.Vllm.Sse;

namespace LlmFleet.Simulation.Api;

/// <summary>
/// The <c>mid_stream_error</c> fault: the engine fails after the stream has begun. vLLM's serving layer then writes
/// the error as one more event of the 200 stream (<c>create_streaming_error_response</c>: <c>{"error": {…}}</c>) and
/// ends it with <c>data: [DONE]</c>; the client sees a well-formed stream that failed.
/// </summary>
internal static class MidStreamErrorFault
{
    /// <summary>The message of vLLM's <c>EngineDeadError</c>, which such a stream carries.</summary>
    public const string Message = "EngineCore encountered an issue. See stack trace (above) for the root cause.";

    public static async Task WriteAsync(HttpContext http, PipeWriter output, GenerationRun run)
    {
        run.Abort();
        SseFraming.WriteEvent(output, JsonSerializer.SerializeToUtf8Bytes(VllmErrors.Create(500, Message), VllmJson.ErrorResponse));
        SseFraming.WriteDone(output);
        await output.FlushAsync(http.RequestAborted);
    }
}
