using System.Text;

namespace LlmFleet.Simulation.Text;

/// <summary>
/// The twin's output vocabulary: one generated token is one of these words (with its leading space) or a punctuation
/// mark, pre-encoded as UTF-8 so writing a token copies bytes and allocates nothing.
/// </summary>
internal static class PseudoWords
{
    private static readonly string[] Words =
    [
        "the", "a", "model", "cluster", "token", "request", "batch", "cache", "expert", "layer", "router", "weight",
        "memory", "bandwidth", "latency", "throughput", "node", "replica", "gateway", "queue", "prefill", "decode",
        "kernel", "tensor", "shard", "block", "prefix", "stream", "context", "window", "budget", "plan", "fleet",
        "scales", "runs", "serves", "holds", "reads", "writes", "splits", "routes", "waits", "grows", "fits", "moves",
        "quickly", "slowly", "again", "always", "often", "rarely", "together", "apart", "first", "last", "next",
        "is", "are", "was", "can", "will", "should", "must", "may", "and", "or", "but", "so", "then", "when", "while",
        "of", "to", "in", "on", "for", "with", "by", "from", "into", "over", "under", "between", "per", "each", "every",
        "large", "small", "fast", "steady", "warm", "cold", "shared", "sparse", "dense", "mixed", "local", "remote",
        "eight", "sixteen", "many", "few", "more", "less", "most", "least", "half", "whole", "new", "old", "same",
        "answer", "question", "reason", "result", "value", "number", "step", "time", "second", "engine", "server",
        "client", "scheduler", "worker", "GPU", "host", "link", "path", "rule", "limit", "margin", "peak", "load",
    ];

    private static readonly byte[][] Tokens = BuildTokens();

    /// <summary>Index of the first punctuation token; words come before it.</summary>
    private static readonly int PunctuationStart = Words.Length;

    public static int Count => Tokens.Length;

    /// <summary>The UTF-8 bytes of token <paramref name="id"/>; <paramref name="first"/> drops the leading space.</summary>
    public static ReadOnlySpan<byte> Bytes(int id, bool first) => first && Tokens[id][0] == (byte)' ' ? Tokens[id].AsSpan(1) : Tokens[id];

    /// <summary>A token id: mostly words, now and then a comma or a full stop (never two marks in a row).</summary>
    public static int Next(ref SplitMix64 rng, int previous)
    {
        var roll = rng.Next(100);
        if (previous < PunctuationStart && previous >= 0 && roll < 12)
        {
            return roll < 5 ? PunctuationStart : PunctuationStart + 1;
        }
        return rng.Next(PunctuationStart);
    }

    private static byte[][] BuildTokens()
    {
        var tokens = new List<byte[]>();
        foreach (var w in Words)
        {
            tokens.Add(Encoding.UTF8.GetBytes(" " + w));
        }
        tokens.Add(Encoding.UTF8.GetBytes(","));
        tokens.Add(Encoding.UTF8.GetBytes("."));
        return [.. tokens];
    }
}
