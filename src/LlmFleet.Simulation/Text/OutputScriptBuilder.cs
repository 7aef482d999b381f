using System.Buffers;

namespace LlmFleet.Simulation.Text;

/// <summary>
/// Decides what a choice generates, deterministically from its seed: pseudo-words of a natural length (as if the model
/// chose to stop), cut by <c>max_tokens</c>, ended early by a stop string, led by reasoning when the reasoning parser
/// is on, or a tool call whose arguments follow the tool's JSON schema.
/// </summary>
internal static class OutputScriptBuilder
{
    /// <summary>Natural answers are this long or longer (tokens)…</summary>
    private const int MinNaturalTokens = 64;

    /// <summary>…and shorter than this.</summary>
    private const int MaxNaturalTokens = 512;

    /// <summary>Bytes of tool-call arguments per generated token (JSON tokenises densely).</summary>
    private const int ArgumentBytesPerToken = 4;

    public sealed record Spec(
        ulong Seed,
        int MaxTokens,
        bool IgnoreEos = false,
        int MinTokens = 0,
        IReadOnlyList<string>? Stop = null,
        bool Reasoning = false,
        ToolCallScript? ToolCall = null,
        byte[]? ToolArguments = null, // a tool call's arguments, or the JSON answer of response_format
        string ToolFinishReason = "tool_calls");

    public static OutputScript Build(Spec spec)
    {
        var rng = new SplitMix64(spec.Seed);
        var buffer = new ArrayBufferWriter<byte>(1024);
        var ends = new List<int>();

        if (spec.ToolArguments is not null)
        {
            // A tool call's arguments, or (without a call) a structured answer: JSON the model stops after.
            var reasoning = spec.Reasoning ? 8 + rng.Next(32) : 0;
            AppendWords(ref rng, buffer, ends, reasoning);
            for (var i = 0; i < spec.ToolArguments.Length; i += ArgumentBytesPerToken)
            {
                buffer.Write(spec.ToolArguments.AsSpan(i, Math.Min(ArgumentBytesPerToken, spec.ToolArguments.Length - i)));
                ends.Add(buffer.WrittenCount);
            }
            return Finish(buffer, ends, reasoning, spec, spec.ToolCall, naturalFinish: spec.ToolCall is null ? "stop" : spec.ToolFinishReason, stop: null);
        }

        var natural = spec.IgnoreEos ? spec.MaxTokens : Math.Max(spec.MinTokens, MinNaturalTokens + rng.Next(MaxNaturalTokens - MinNaturalTokens));
        var length = Math.Min(natural, spec.MaxTokens);
        var reasoningTokens = spec.Reasoning ? Math.Min(length, Math.Max(1, natural / 4)) : 0;
        AppendWords(ref rng, buffer, ends, reasoningTokens);
        var answerStart = buffer.WrittenCount;
        AppendWords(ref rng, buffer, ends, length - reasoningTokens);
        // With ignore_eos the model never chooses to stop: the output ends at max_tokens, which vLLM reports as length.
        var finish = spec.IgnoreEos || length < natural ? "length" : "stop";

        if (spec.Stop is { Count: > 0 } stops && TryFindStop(buffer.WrittenSpan[answerStart..], stops, out var at, out var stop))
        {
            // Generation runs until the stop string is complete; the text is cut where it starts (vLLM excludes it).
            var cut = answerStart + at;
            var stopEnd = cut + System.Text.Encoding.UTF8.GetByteCount(stop);
            var last = ends.FindIndex(reasoningTokens, e => e >= stopEnd);
            ends.RemoveRange(last + 1, ends.Count - last - 1);
            for (var i = reasoningTokens; i < ends.Count; i++)
            {
                ends[i] = Math.Min(ends[i], cut);
            }
            return Finish(buffer, ends, reasoningTokens, spec, null, "stop", stop);
        }
        return Finish(buffer, ends, reasoningTokens, spec, null, finish, null);
    }

    private static OutputScript Finish(ArrayBufferWriter<byte> buffer, List<int> ends, int reasoning, Spec spec,
        ToolCallScript? toolCall, string naturalFinish, string? stop)
    {
        var finish = naturalFinish;
        if (ends.Count > spec.MaxTokens)
        {
            ends.RemoveRange(spec.MaxTokens, ends.Count - spec.MaxTokens);
            finish = "length";
            stop = null;
        }
        if (ends.Count == 0)
        {
            ends.Add(0); // an engine step always samples at least one token
        }
        return new OutputScript
        {
            Utf8 = buffer.WrittenSpan.ToArray(),
            TokenEnds = [.. ends],
            ReasoningTokens = Math.Min(reasoning, ends.Count),
            ToolCall = toolCall,
            FinishReason = finish,
            StopReason = stop,
            Seed = spec.Seed,
        };
    }

    private static void AppendWords(ref SplitMix64 rng, ArrayBufferWriter<byte> buffer, List<int> ends, int count)
    {
        var previous = -1;
        for (var i = 0; i < count; i++)
        {
            var id = PseudoWords.Next(ref rng, previous);
            buffer.Write(PseudoWords.Bytes(id, first: i == 0));
            ends.Add(buffer.WrittenCount);
            previous = id;
        }
    }

    private static bool TryFindStop(ReadOnlySpan<byte> text, IReadOnlyList<string> stops, out int at, out string stop)
    {
        at = -1;
        stop = "";
        foreach (var s in stops)
        {
            if (s.Length == 0)
            {
                continue;
            }
            var i = text.IndexOf(System.Text.Encoding.UTF8.GetBytes(s));
            if (i >= 0 && (at < 0 || i < at))
            {
                at = i;
                stop = s;
            }
        }
        return at >= 0;
    }
}
