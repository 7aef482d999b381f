using System.Buffers;

namespace LlmFleet.Vllm.Sse;

/// <summary>
/// Server-sent events as vLLM frames them: each event is one <c>data: {json}</c> line and a blank line; the stream
/// ends with <c>data: [DONE]</c>. No <c>event:</c>, <c>id:</c> or comment lines, except in the Responses API, whose
/// events each start with <c>event: {type}</c> and whose stream has no <c>[DONE]</c>.
/// </summary>
public static class SseFraming
{
    public static ReadOnlySpan<byte> DataPrefix => "data: "u8;

    public static ReadOnlySpan<byte> EventEnd => "\n\n"u8;

    public static ReadOnlySpan<byte> DoneEvent => "data: [DONE]\n\n"u8;

    /// <summary>The content type vLLM answers streams with.</summary>
    public const string ContentType = "text/event-stream; charset=utf-8";

    public static void WriteDone(IBufferWriter<byte> output) => output.Write(DoneEvent);

    /// <summary>Writes one event around an already-serialised UTF-8 JSON payload.</summary>
    public static void WriteEvent(IBufferWriter<byte> output, ReadOnlySpan<byte> utf8Json)
    {
        output.Write(DataPrefix);
        output.Write(utf8Json);
        output.Write(EventEnd);
    }

    /// <summary>Writes one Responses API event: <c>event: {type}</c>, then the data line.</summary>
    public static void WriteNamedEvent(IBufferWriter<byte> output, string type, ReadOnlySpan<byte> utf8Json)
    {
        output.Write("event: "u8);
        var name = output.GetSpan(System.Text.Encoding.UTF8.GetMaxByteCount(type.Length));
        output.Advance(System.Text.Encoding.UTF8.GetBytes(type, name));
        output.Write("\n"u8);
        WriteEvent(output, utf8Json);
    }

    /// <summary>
    /// The payload of one SSE line: the text after <c>data:</c> (one optional space removed), or false for other lines.
    /// </summary>
    public static bool TryGetData(ReadOnlySpan<byte> line, out ReadOnlySpan<byte> data)
    {
        if (!line.StartsWith("data:"u8))
        {
            data = default;
            return false;
        }
        data = line[5..];
        if (!data.IsEmpty && data[0] == (byte)' ')
        {
            data = data[1..];
        }
        if (!data.IsEmpty && data[^1] == (byte)'\r')
        {
            data = data[..^1];
        }
        return true;
    }

    /// <summary>True for the <c>[DONE]</c> payload that ends an OpenAI stream.</summary>
    public static bool IsDone(ReadOnlySpan<byte> data) => data.SequenceEqual("[DONE]"u8);
}
