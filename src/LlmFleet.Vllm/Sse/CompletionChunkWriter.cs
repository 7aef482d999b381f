using System.Buffers;
using System.Text.Json;

namespace LlmFleet.Vllm.Sse;

/// <summary>Writes <c>text_completion</c> stream events as vLLM's <c>/v1/completions</c> does.</summary>
public sealed class CompletionChunkWriter(string id, long created, string model)
    : ChunkWriterBase(id, "text_completion", created, model)
{
    private static readonly JsonEncodedText TextName = JsonEncodedText.Encode("text");

    public void WriteText(IBufferWriter<byte> output, int index, ReadOnlySpan<byte> utf8Text,
        string? finishReason = null, string? stopReason = null)
    {
        var json = BeginChoiceEvent(output, index);
        json.WriteString(TextName, utf8Text);
        EndChoiceEvent(output, finishReason, stopReason, stopReasonOnlyWhenFinished: false);
    }
}
