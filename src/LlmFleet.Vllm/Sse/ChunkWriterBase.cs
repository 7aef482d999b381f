using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using LlmFleet.Vllm.OpenAi;

namespace LlmFleet.Vllm.Sse;

/// <summary>
/// Shared plumbing of the chunk writers: one reusable <see cref="Utf8JsonWriter"/> that writes each event straight
/// into the response's buffer (no intermediate strings or objects per token), with the request's constant fields
/// encoded once.
/// </summary>
public abstract class ChunkWriterBase
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    private protected static readonly JsonEncodedText IdName = JsonEncodedText.Encode("id");
    private protected static readonly JsonEncodedText ObjectName = JsonEncodedText.Encode("object");
    private protected static readonly JsonEncodedText CreatedName = JsonEncodedText.Encode("created");
    private protected static readonly JsonEncodedText ModelName = JsonEncodedText.Encode("model");
    private protected static readonly JsonEncodedText ChoicesName = JsonEncodedText.Encode("choices");
    private protected static readonly JsonEncodedText IndexName = JsonEncodedText.Encode("index");
    private protected static readonly JsonEncodedText LogprobsName = JsonEncodedText.Encode("logprobs");
    private protected static readonly JsonEncodedText FinishReasonName = JsonEncodedText.Encode("finish_reason");
    private protected static readonly JsonEncodedText StopReasonName = JsonEncodedText.Encode("stop_reason");
    private protected static readonly JsonEncodedText UsageName = JsonEncodedText.Encode("usage");
    private static readonly JsonEncodedText PromptTokensName = JsonEncodedText.Encode("prompt_tokens");
    private static readonly JsonEncodedText TotalTokensName = JsonEncodedText.Encode("total_tokens");
    private static readonly JsonEncodedText CompletionTokensName = JsonEncodedText.Encode("completion_tokens");
    private static readonly JsonEncodedText PromptTokensDetailsName = JsonEncodedText.Encode("prompt_tokens_details");
    private static readonly JsonEncodedText CachedTokensName = JsonEncodedText.Encode("cached_tokens");

    private readonly JsonEncodedText _id;
    private readonly JsonEncodedText _object;
    private readonly JsonEncodedText _model;
    private readonly long _created;
    private readonly Utf8JsonWriter _json = new(NullBufferWriter.Instance, WriterOptions);
    private int _choice;
    private int _continuousPromptTokens = -1;
    private Func<int, int>? _completionTokensOfChoice;

    private protected ChunkWriterBase(string id, string objectName, long created, string model)
    {
        _id = JsonEncodedText.Encode(id);
        _object = JsonEncodedText.Encode(objectName);
        _model = JsonEncodedText.Encode(model);
        _created = created;
    }

    /// <summary>The writer of the event being written.</summary>
    private protected Utf8JsonWriter Json => _json;

    /// <summary>Starts an event: <c>data: {"id":…,"object":…,"created":…,"model":…,</c>; returns the JSON writer.</summary>
    private protected Utf8JsonWriter BeginEvent(IBufferWriter<byte> output)
    {
        output.Write(SseFraming.DataPrefix);
        _json.Reset(output);
        _json.WriteStartObject();
        _json.WriteString(IdName, _id);
        _json.WriteString(ObjectName, _object);
        _json.WriteNumber(CreatedName, _created);
        _json.WriteString(ModelName, _model);
        return _json;
    }

    /// <summary>Closes the JSON object and the event.</summary>
    private protected void EndEvent(IBufferWriter<byte> output)
    {
        _json.WriteEndObject();
        _json.Flush();
        output.Write(SseFraming.EventEnd);
    }

    /// <summary>Starts an event with one choice: <c>…,"choices":[{"index":i,</c>; returns the JSON writer.</summary>
    private protected Utf8JsonWriter BeginChoiceEvent(IBufferWriter<byte> output, int index)
    {
        var json = BeginEvent(output);
        json.WriteStartArray(ChoicesName);
        json.WriteStartObject();
        json.WriteNumber(IndexName, index);
        _choice = index;
        return json;
    }

    /// <summary>
    /// vLLM's <c>stream_options.continuous_usage_stats</c>: every chunk with a choice also carries the usage so far,
    /// the prompt and that choice's tokens (<paramref name="completionTokensOfChoice"/>, by choice index).
    /// </summary>
    public void UseContinuousUsage(int promptTokens, Func<int, int> completionTokensOfChoice)
    {
        _continuousPromptTokens = promptTokens;
        _completionTokensOfChoice = completionTokensOfChoice;
    }

    /// <summary>Writes the choice's <c>logprobs</c> object for the chunk's tokens (the endpoint's shape).</summary>
    private protected abstract void WriteLogprobs(Utf8JsonWriter json, int index, IReadOnlyList<TokenLogprob> logprobs);

    /// <summary>
    /// Ends a choice and the event: <c>"logprobs":null,"finish_reason":…,"stop_reason":…}]}</c>. vLLM's text completion
    /// chunks always carry <c>stop_reason</c>; its chat chunks only once the choice has finished
    /// (<paramref name="stopReasonOnlyWhenFinished"/>).
    /// </summary>
    private protected void EndChoiceEvent(IBufferWriter<byte> output, string? finishReason, string? stopReason,
        bool stopReasonOnlyWhenFinished, IReadOnlyList<TokenLogprob>? logprobs = null)
    {
        if (logprobs is null)
        {
            _json.WriteNull(LogprobsName);
        }
        else
        {
            _json.WritePropertyName(LogprobsName);
            WriteLogprobs(_json, _choice, logprobs);
        }
        WriteStringOrNull(FinishReasonName, finishReason);
        if (finishReason is not null || !stopReasonOnlyWhenFinished)
        {
            WriteStringOrNull(StopReasonName, stopReason);
        }
        _json.WriteEndObject();
        _json.WriteEndArray();
        if (_completionTokensOfChoice is not null)
        {
            WriteUsageObject(_json, Usage.Of(_continuousPromptTokens, _completionTokensOfChoice(_choice)));
        }
        EndEvent(output);
    }

    private void WriteStringOrNull(JsonEncodedText name, string? value)
    {
        if (value is null)
        {
            _json.WriteNull(name);
        }
        else
        {
            _json.WriteString(name, value);
        }
    }

    private protected static void WriteUsageObject(Utf8JsonWriter json, Usage usage)
    {
        json.WriteStartObject(UsageName);
        json.WriteNumber(PromptTokensName, usage.PromptTokens);
        json.WriteNumber(TotalTokensName, usage.TotalTokens);
        json.WriteNumber(CompletionTokensName, usage.CompletionTokens);
        if (usage.PromptTokensDetails is { } details)
        {
            json.WriteStartObject(PromptTokensDetailsName);
            if (details.CachedTokens is { } cached)
            {
                json.WriteNumber(CachedTokensName, cached);
            }
            else
            {
                json.WriteNull(CachedTokensName);
            }
            json.WriteEndObject();
        }
        json.WriteEndObject();
    }

    /// <summary>The last event of a stream with <c>include_usage</c>: no choices, the whole request's usage.</summary>
    public void WriteUsage(IBufferWriter<byte> output, Usage usage)
    {
        var json = BeginEvent(output);
        json.WriteStartArray(ChoicesName);
        json.WriteEndArray();
        WriteUsageObject(json, usage);
        EndEvent(output);
    }

    /// <summary>A target for the writer before its first <see cref="Utf8JsonWriter.Reset(IBufferWriter{byte})"/>.</summary>
    private sealed class NullBufferWriter : IBufferWriter<byte>
    {
        public static readonly NullBufferWriter Instance = new();

        public void Advance(int count)
        {
        }

        public Memory<byte> GetMemory(int sizeHint = 0) => new byte[Math.Max(sizeHint, 1)];

        public Span<byte> GetSpan(int sizeHint = 0) => new byte[Math.Max(sizeHint, 1)];
    }
}
