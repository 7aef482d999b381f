using System.Text;
using LlmFleet.Simulation.Engine;

namespace LlmFleet.Simulation.Text;

/// <summary>
/// Everything one choice will generate, decided when the request arrives (the engine only decides <i>when</i>): the
/// output as UTF-8 with where each token ends, how many leading tokens are reasoning, an optional tool call, and how
/// it finishes. Token <c>i</c> is <c>Utf8[TokenEnds[i-1]..TokenEnds[i]]</c>; tokens after a stop string are empty.
/// </summary>
internal sealed class OutputScript
{
    public required byte[] Utf8 { get; init; }

    public required int[] TokenEnds { get; init; }

    /// <summary>Leading tokens that are <c>reasoning_content</c> (GLM's thinking).</summary>
    public int ReasoningTokens { get; init; }

    /// <summary>Set when the tokens after the reasoning are a tool call's arguments.</summary>
    public ToolCallScript? ToolCall { get; init; }

    /// <summary>OpenAI's <c>finish_reason</c>: <c>stop</c>, <c>length</c> or <c>tool_calls</c>.</summary>
    public required string FinishReason { get; init; }

    /// <summary>vLLM's <c>stop_reason</c>: the stop string that ended the output, or null.</summary>
    public string? StopReason { get; init; }

    /// <summary>The choice's seed: its log probabilities derive from it too.</summary>
    public ulong Seed { get; init; }

    public int Length => TokenEnds.Length;

    /// <summary>The text of token <paramref name="i"/>.</summary>
    public string TokenText(int i) => Encoding.UTF8.GetString(Bytes(i, i + 1));

    public EngineFinishReason EngineFinish => FinishReason == "length" ? EngineFinishReason.Length : EngineFinishReason.Stop;

    /// <summary>The UTF-8 bytes of tokens [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public ReadOnlySpan<byte> Bytes(int from, int to) =>
        to <= from ? [] : Utf8.AsSpan(from == 0 ? 0 : TokenEnds[from - 1], TokenEnds[to - 1] - (from == 0 ? 0 : TokenEnds[from - 1]));

    /// <summary>The reasoning part of the first <paramref name="generated"/> tokens, or null when there is none.</summary>
    public string? ReasoningText(int generated) =>
        ReasoningTokens == 0 ? null : Encoding.UTF8.GetString(Bytes(0, Math.Min(generated, ReasoningTokens)));

    /// <summary>The part after the reasoning, of the first <paramref name="generated"/> tokens.</summary>
    public string AnswerText(int generated) =>
        Encoding.UTF8.GetString(Bytes(Math.Min(ReasoningTokens, generated), Math.Min(generated, Length)));
}

/// <summary>A tool call the twin makes: its id and function; the arguments are the script's tokens after the reasoning.</summary>
internal sealed record ToolCallScript(string Id, string Name);
