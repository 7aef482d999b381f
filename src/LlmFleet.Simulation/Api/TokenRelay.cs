using System.IO.Pipelines;
using LlmFleet.Simulation.Hosting;
using LlmFleet.Vllm.Sse;

namespace LlmFleet.Simulation.Api;

/// <summary>
/// The streaming loop chat and text completions share: wake on each engine step, hand every choice its new tokens,
/// cut the stream where a <c>drop_stream</c> or <c>mid_stream_error</c> fault says, flush per step, then the optional usage chunk and
/// <c>data: [DONE]</c>. Only how a choice's tokens become a chunk differs between the two endpoints.
/// </summary>
internal static class TokenRelay
{
    /// <param name="writer">The endpoint's chunk writer; it also writes the usage chunk when the client asked for it.</param>
    /// <param name="writeTokens">Writes choice i's tokens [from, to); finished is true for its last chunk.</param>
    public static async Task RelayAsync(HttpContext http, TwinContext twin, GenerationRun run, PipeWriter output,
        ChunkWriterBase writer, StreamOptions? streamOptions, Action<int, int, int, bool> writeTokens)
    {
        var n = run.Scripts.Length;
        var written = new int[n];
        var done = new bool[n];
        var sent = 0;
        var remaining = n;
        while (remaining > 0)
        {
            await run.Signal.WaitAsync();
            var faults = twin.Faults.Current;
            // Both faults cut the stream after a token count: drop_stream by a reset, mid_stream_error by vLLM's error event.
            var dropAfter = faults.DropStreamAfterTokens ?? faults.MidStreamErrorAfterTokens;
            for (var i = 0; i < n; i++)
            {
                if (done[i])
                {
                    continue;
                }
                var finished = run.Requests[i].IsFinished; // read before the count, which is final once finished
                var generated = run.Requests[i].GeneratedTokens;
                if (dropAfter is { } cap && generated - written[i] > cap - sent)
                {
                    generated = written[i] + Math.Max(0, cap - sent); // the fault cuts exactly after its token count
                    finished = false;
                }
                if (generated == written[i] && !finished)
                {
                    continue;
                }
                writeTokens(i, written[i], generated, finished);
                sent += generated - written[i];
                written[i] = generated;
                if (finished)
                {
                    done[i] = true;
                    remaining--;
                }
            }
            if (dropAfter is { } limit && sent >= limit)
            {
                if (faults.DropStreamAfterTokens is not null)
                {
                    await DropStreamFault.CutAsync(http, output, run);
                }
                else
                {
                    await MidStreamErrorFault.WriteAsync(http, output, run);
                }
                return;
            }
            var flush = await output.FlushAsync(http.RequestAborted);
            if (flush.IsCanceled || flush.IsCompleted)
            {
                return;
            }
        }
        if (streamOptions?.IncludeUsage == true)
        {
            writer.WriteUsage(output, run.TotalUsage());
        }
        SseFraming.WriteDone(output);
        await output.FlushAsync(http.RequestAborted);
    }
}
