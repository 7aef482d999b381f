using System.Buffers;
using System.Text.Json;
using LlmFleet.Vllm.OpenAi;

namespace LlmFleet.Vllm.Sse;

/// <summary>Writes <c>text_completion</c> stream events as vLLM's <c>/v1/completions</c> does.</summary>
public sealed class CompletionChunkWriter(string id, long created, string model)
    : ChunkWriterBase(id, "text_completion", created, model)
{
    private static readonly JsonEncodedText TextName = JsonEncodedText.Encode("text");
    private static readonly JsonEncodedText TextOffsetName = JsonEncodedText.Encode("text_offset");
    private static readonly JsonEncodedText TokenLogprobsName = JsonEncodedText.Encode("token_logprobs");
    private static readonly JsonEncodedText TokensName = JsonEncodedText.Encode("tokens");
    private static readonly JsonEncodedText TopLogprobsName = JsonEncodedText.Encode("top_logprobs");

    /// <summary>Characters of text already sent per choice: where the next token's <c>text_offset</c> starts.</summary>
    private readonly Dictionary<int, int> _offsets = [];

    public void WriteText(IBufferWriter<byte> output, int index, ReadOnlySpan<byte> utf8Text,
        string? finishReason = null, string? stopReason = null, IReadOnlyList<TokenLogprob>? logprobs = null)
    {
        var json = BeginChoiceEvent(output, index);
        json.WriteString(TextName, utf8Text);
        EndChoiceEvent(output, finishReason, stopReason, stopReasonOnlyWhenFinished: false, logprobs);
    }

    /// <summary>vLLM's CompletionLogProbs for the chunk's tokens, offsets counted from the choice's first character.</summary>
    private protected override void WriteLogprobs(Utf8JsonWriter json, int index, IReadOnlyList<TokenLogprob> logprobs)
    {
        var offset = _offsets.GetValueOrDefault(index);
        json.WriteStartObject();
        json.WriteStartArray(TextOffsetName);
        foreach (var t in logprobs)
        {
            json.WriteNumberValue(offset);
            offset += t.Token.Length;
        }
        json.WriteEndArray();
        _offsets[index] = offset;
        json.WriteStartArray(TokenLogprobsName);
        foreach (var t in logprobs)
        {
            if (t.Logprob is { } value)
            {
                json.WriteNumberValue(value);
            }
            else
            {
                json.WriteNullValue();
            }
        }
        json.WriteEndArray();
        json.WriteStartArray(TokensName);
        foreach (var t in logprobs)
        {
            json.WriteStringValue(t.Token);
        }
        json.WriteEndArray();
        json.WriteStartArray(TopLogprobsName);
        foreach (var t in logprobs)
        {
            if (t.Top is null)
            {
                json.WriteNullValue();
                continue;
            }
            json.WriteStartObject();
            foreach (var a in t.Top)
            {
                json.WriteNumber(a.Token, a.Logprob);
            }
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }
}
