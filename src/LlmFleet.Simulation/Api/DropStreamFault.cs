using System.IO.Pipelines;

namespace LlmFleet.Simulation.Api;

/// <summary>The <c>drop_stream</c> fault: a stream that breaks off mid-answer, as when a vLLM process dies.</summary>
internal static class DropStreamFault
{
    /// <summary>A moment for the last chunks to reach the client before the reset (a reset discards unread data).</summary>
    private static readonly TimeSpan Grace = TimeSpan.FromMilliseconds(100);

    public static async Task CutAsync(HttpContext http, PipeWriter output, GenerationRun run)
    {
        await output.FlushAsync(http.RequestAborted);
        run.Abort();
        await Task.Delay(Grace, http.RequestAborted);
        http.Abort(); // the connection is reset: no finish_reason, no [DONE]
    }
}
