using System.Text;
using Microsoft.ML.Tokenizers;

namespace LlmFleet.Simulation.Text;

/// <summary>
/// Turns prompts into token ids with a real BPE tokenizer (o200k_base, shipped in a NuGet package, so counts are
/// those of a modern 200k-vocabulary tokenizer rather than a guess), after rendering chats with a GLM-style chat
/// template. The ids feed usage, <c>/tokenize</c>, the max-model-len check and the prefix cache's block hashes.
/// </summary>
internal sealed class PromptTokenizer
{
    private static readonly Lazy<Tokenizer> Shared = new(() => TiktokenTokenizer.CreateForEncoding("o200k_base"));

    public Tokenizer Tokenizer => Shared.Value;

    public IReadOnlyList<int> Encode(string text) => Shared.Value.EncodeToIds(text);

    public string Decode(IEnumerable<int> ids) => Shared.Value.Decode(ids);

    /// <summary>The text of the token ids one by one (for <c>return_token_strs</c>).</summary>
    public IReadOnlyList<string> TokenStrings(IReadOnlyList<int> ids) => [.. ids.Select(id => Shared.Value.Decode([id]))];

    /// <summary>
    /// A chat rendered as GLM's template lays it out: <c>[gMASK]&lt;sop&gt;</c>, tools in the system turn, each
    /// message after its role tag, and <c>&lt;|assistant|&gt;</c> to prompt the answer.
    /// </summary>
    public static string RenderChat(IReadOnlyList<ChatMessage> messages, IReadOnlyList<ToolDefinition>? tools,
        bool addGenerationPrompt = true)
    {
        var sb = new StringBuilder(256);
        sb.Append("[gMASK]<sop>");
        if (tools is { Count: > 0 })
        {
            sb.Append("<|system|>\n# Tools\n\nYou may call one or more functions to assist with the user query.\n");
            foreach (var t in tools)
            {
                if (t.Function is { } f)
                {
                    sb.Append("{\"name\": \"").Append(f.Name).Append("\", \"description\": \"").Append(f.Description)
                      .Append("\", \"parameters\": ").Append(f.Parameters?.GetRawText() ?? "{}").Append("}\n");
                }
            }
        }
        foreach (var m in messages)
        {
            sb.Append(m.Role switch
            {
                "system" or "developer" => "<|system|>\n",
                "assistant" => "<|assistant|>\n",
                "tool" => "<|observation|>\n<tool_response>",
                _ => "<|user|>\n",
            });
            m.AppendText(sb);
            if (m.ToolCalls is { } calls)
            {
                foreach (var c in calls)
                {
                    sb.Append("<tool_call>").Append(c.Function.Name).Append(' ').Append(c.Function.Arguments).Append("</tool_call>");
                }
            }
            if (m.Role == "tool")
            {
                sb.Append("</tool_response>");
            }
        }
        if (addGenerationPrompt)
        {
            sb.Append("<|assistant|>");
        }
        return sb.ToString();
    }

    /// <summary>
    /// Chained hashes of the full 16-token blocks of <paramref name="ids"/>: block i's hash covers blocks 0..i, so
    /// equal hashes mean equal prefixes, as in vLLM's prefix caching.
    /// </summary>
    public static ulong[] BlockHashes(IReadOnlyList<int> ids, ulong salt = 0)
    {
        const int blockSize = Engine.KvBlockPool.BlockSize;
        var hashes = new ulong[ids.Count / blockSize];
        var h = SplitMix64.Mix(0x6C6C6D666C656574UL, salt);
        for (var b = 0; b < hashes.Length; b++)
        {
            for (var i = b * blockSize; i < (b + 1) * blockSize; i++)
            {
                h = SplitMix64.Mix(h, (ulong)(uint)ids[i]);
            }
            hashes[b] = h;
        }
        return hashes;
    }
}
