using System.Text;

namespace LlmFleet.Simulation.Text;

/// <summary>
/// Log probabilities for a choice's tokens: plausible (the sampled token most likely, alternatives below it), distinct
/// candidates, and the same for the same seed and position on every run, as an eval harness comparing runs expects.
/// No model runs, so the values say nothing about the text.
/// </summary>
internal static class TokenLogprobs
{
    /// <summary>Tokens [<paramref name="from"/>, <paramref name="to"/>) of <paramref name="script"/>, each with
    /// <paramref name="top"/> candidates (the sampled token first).</summary>
    public static List<TokenLogprob> For(OutputScript script, int from, int to, int top)
    {
        var result = new List<TokenLogprob>(Math.Max(0, to - from));
        for (var i = from; i < to; i++)
        {
            result.Add(At(script.Seed, i, script.TokenText(i), top));
        }
        return result;
    }

    /// <summary>The prompt's tokens as <c>echo</c> with logprobs shows them: the first has none, as in vLLM.</summary>
    public static TokenLogprob At(ulong seed, int position, string token, int top)
    {
        var rng = new SplitMix64(SplitMix64.Mix(seed ^ 0x10C9, (ulong)position));
        var logprob = -Math.Round(rng.NextDouble() * 1.5, 6);
        var candidates = new List<TopLogprob>(top);
        if (top > 0)
        {
            candidates.Add(new TopLogprob(token, logprob));
        }
        var next = logprob;
        var previous = -1;
        while (candidates.Count < top)
        {
            var id = PseudoWords.Next(ref rng, previous);
            previous = id;
            var text = Encoding.UTF8.GetString(PseudoWords.Bytes(id, first: false));
            if (candidates.Exists(c => c.Token == text))
            {
                continue;
            }
            next -= Math.Round(0.25 + rng.NextDouble() * 2, 6);
            candidates.Add(new TopLogprob(text, next));
        }
        return new TokenLogprob(token, logprob, candidates);
    }
}
