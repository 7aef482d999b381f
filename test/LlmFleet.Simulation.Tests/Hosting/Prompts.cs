using System.Text;

namespace LlmFleet.Simulation.Tests.Hosting;

/// <summary>Prompt text of about a given number of tokens, varied so the tokenizer cannot merge it.</summary>
internal static class Prompts
{
    private static readonly string[] Words =
        ["routing", "experts", "latency", "memory", "shard", "gateway", "prefill", "decode", "cluster", "tensor", "budget", "replica"];

    public static string OfAbout(int tokens, int salt = 0)
    {
        var sb = new StringBuilder(tokens * 8);
        for (var i = 0; i < tokens; i++)
        {
            sb.Append(' ').Append(Words[(i * 7 + salt) % Words.Length]).Append(i % 10 == 9 ? "." : "");
        }
        return sb.ToString();
    }

    /// <summary>
    /// A streamed completion whose prompt is given as token ids (no tokenizing on the server, so a loaded test
    /// machine adds as little as possible to the engine's timing).
    /// </summary>
    public static string CompletionJson(int promptTokens, int maxTokens, int salt = 0, int n = 1)
    {
        var ids = new LlmFleet.Simulation.Text.PromptTokenizer().Encode(OfAbout(promptTokens, salt)).Take(promptTokens);
        return $$$"""{"prompt":[{{{string.Join(',', ids)}}}],"max_tokens":{{{maxTokens}}},"n":{{{n}}},"ignore_eos":true,"stream":true,"stream_options":{"include_usage":true}}""";
    }

    public static string ChatJson(string prompt, int maxTokens, bool stream = true) =>
        $$$"""{"messages":[{"role":"user","content":"{{{prompt}}}"}],"max_tokens":{{{maxTokens}}},"ignore_eos":true,"stream":{{{(stream ? "true" : "false")}}},"stream_options":{"include_usage":true},"chat_template_kwargs":{"enable_thinking":false}}""";
}
