using System.Buffers;
using System.Text.Json;
using LlmFleet.Vllm.OpenAi;

namespace LlmFleet.Vllm.Sse;

/// <summary>
/// Writes <c>chat.completion.chunk</c> events as vLLM streams them: a first chunk per choice with the role, then
/// content (or reasoning, or a tool call) deltas, the last delta of a choice carrying its <c>finish_reason</c>.
/// </summary>
/// <param name="reasoningField">The delta's key for reasoning text: <c>reasoning_content</c> or <c>reasoning</c>,
/// as the vLLM version names it (<see cref="Versions.VllmWire.ReasoningField"/>).</param>
public sealed class ChatChunkWriter(string id, long created, string model, string reasoningField)
    : ChunkWriterBase(id, "chat.completion.chunk", created, model)
{
    private readonly JsonEncodedText _reasoningName = JsonEncodedText.Encode(reasoningField);

    private static readonly JsonEncodedText DeltaName = JsonEncodedText.Encode("delta");
    private static readonly JsonEncodedText RoleName = JsonEncodedText.Encode("role");
    private static readonly JsonEncodedText Assistant = JsonEncodedText.Encode("assistant");
    private static readonly JsonEncodedText ContentName = JsonEncodedText.Encode("content");
    private static readonly JsonEncodedText ToolCallsName = JsonEncodedText.Encode("tool_calls");
    private static readonly JsonEncodedText TypeName = JsonEncodedText.Encode("type");
    private static readonly JsonEncodedText FunctionValue = JsonEncodedText.Encode("function");
    private static readonly JsonEncodedText NameName = JsonEncodedText.Encode("name");
    private static readonly JsonEncodedText ArgumentsName = JsonEncodedText.Encode("arguments");
    private static readonly JsonEncodedText TokenName = JsonEncodedText.Encode("token");
    private static readonly JsonEncodedText LogprobName = JsonEncodedText.Encode("logprob");
    private static readonly JsonEncodedText BytesName = JsonEncodedText.Encode("bytes");
    private static readonly JsonEncodedText TopLogprobsName = JsonEncodedText.Encode("top_logprobs");

    /// <summary>The opening chunk of a choice: <c>{"role":"assistant","content":""}</c>.</summary>
    public void WriteRole(IBufferWriter<byte> output, int index)
    {
        var json = BeginChoice(output, index);
        json.WriteString(RoleName, Assistant);
        json.WriteString(ContentName, ""u8);
        EndChoice(output, null, null);
    }

    /// <summary>A text delta (UTF-8); <paramref name="reasoning"/> puts it in the reasoning field.</summary>
    public void WriteContent(IBufferWriter<byte> output, int index, ReadOnlySpan<byte> utf8Text, bool reasoning,
        string? finishReason = null, string? stopReason = null, IReadOnlyList<TokenLogprob>? logprobs = null)
    {
        var json = BeginChoice(output, index);
        json.WriteString(reasoning ? _reasoningName : ContentName, utf8Text);
        EndChoice(output, finishReason, stopReason, logprobs);
    }

    /// <summary>
    /// A tool-call delta: the first one (<paramref name="callId"/> and <paramref name="functionName"/> set) names the
    /// call, later ones append to its <c>arguments</c>.
    /// </summary>
    public void WriteToolCall(IBufferWriter<byte> output, int index, int toolIndex, string? callId, string? functionName,
        ReadOnlySpan<byte> utf8Arguments, string? finishReason = null, IReadOnlyList<TokenLogprob>? logprobs = null)
    {
        var json = BeginChoice(output, index);
        json.WriteStartArray(ToolCallsName);
        json.WriteStartObject();
        if (callId is not null)
        {
            json.WriteString(IdName, callId);
            json.WriteString(TypeName, FunctionValue);
        }
        json.WriteNumber(IndexName, toolIndex);
        json.WriteStartObject(FunctionValue);
        if (functionName is not null)
        {
            json.WriteString(NameName, functionName);
        }
        json.WriteString(ArgumentsName, utf8Arguments);
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndArray();
        EndChoice(output, finishReason, null, logprobs);
    }

    /// <summary>An empty delta that only carries the choice's <c>finish_reason</c>.</summary>
    public void WriteFinish(IBufferWriter<byte> output, int index, string finishReason, string? stopReason = null)
    {
        BeginChoice(output, index);
        EndChoice(output, finishReason, stopReason);
    }

    private Utf8JsonWriter BeginChoice(IBufferWriter<byte> output, int index)
    {
        var json = BeginChoiceEvent(output, index);
        json.WriteStartObject(DeltaName);
        return json;
    }

    private void EndChoice(IBufferWriter<byte> output, string? finishReason, string? stopReason,
        IReadOnlyList<TokenLogprob>? logprobs = null)
    {
        Json.WriteEndObject(); // the delta
        EndChoiceEvent(output, finishReason, stopReason, stopReasonOnlyWhenFinished: true, logprobs);
    }

    /// <summary><c>{"content":[{"token","logprob","bytes","top_logprobs":[…]}]}</c>, as vLLM's ChatCompletionLogProbs.</summary>
    private protected override void WriteLogprobs(Utf8JsonWriter json, int index, IReadOnlyList<TokenLogprob> logprobs)
    {
        json.WriteStartObject();
        json.WriteStartArray(ContentName);
        foreach (var t in logprobs)
        {
            WriteCandidate(json, t.Token, t.Logprob ?? 0);
            json.WriteStartArray(TopLogprobsName);
            foreach (var a in t.Top ?? [])
            {
                WriteCandidate(json, a.Token, a.Logprob);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteCandidate(Utf8JsonWriter json, string token, double logprob)
    {
        json.WriteStartObject();
        json.WriteString(TokenName, token);
        json.WriteNumber(LogprobName, logprob);
        json.WriteStartArray(BytesName);
        foreach (var b in System.Text.Encoding.UTF8.GetBytes(token))
        {
            json.WriteNumberValue(b);
        }
        json.WriteEndArray();
    }
}
