using System.Text;

namespace LlmFleet.Simulation.Text;

/// <summary>
/// vLLM's <c>prompt_logprobs</c> for a prompt: null for the first token (nothing comes before it), then for each token
/// a dict of token id → <c>{logprob, rank, decoded_token}</c> holding the prompt's own token (at its rank, which need
/// not be 1) and the <c>top</c> most likely tokens at that position (ranks 1…top). Seeded like
/// <see cref="TokenLogprobs"/>: the same seed and prompt give the same values; no model runs, so they say nothing of
/// the text.
/// </summary>
internal static class PromptLogprobs
{
    public static List<Dictionary<int, PromptLogprob>?> For(PromptTokenizer tokenizer, IReadOnlyList<int> ids, ulong seed, int top)
    {
        var result = new List<Dictionary<int, PromptLogprob>?>(ids.Count);
        for (var t = 0; t < ids.Count; t++)
        {
            result.Add(t == 0 ? null : At(tokenizer, ids[t], seed, t, top));
        }
        return result;
    }

    private static Dictionary<int, PromptLogprob> At(PromptTokenizer tokenizer, int id, ulong seed, int position, int top)
    {
        var rng = new SplitMix64(SplitMix64.Mix(seed ^ 0x9A0B, (ulong)position));
        // A prompt is often, not always, what the model would have said next.
        var rank = rng.NextDouble() < 0.55 ? 1 : 2 + rng.Next(8);
        var logprobs = new double[Math.Max(top, rank)];
        logprobs[0] = -Math.Round(rng.NextDouble() * 1.2, 6);
        for (var r = 1; r < logprobs.Length; r++)
        {
            logprobs[r] = Math.Round(logprobs[r - 1] - 0.2 - rng.NextDouble() * 1.5, 6);
        }
        var entries = new Dictionary<int, PromptLogprob> { [id] = new(logprobs[rank - 1], rank, tokenizer.Decode([id])) };
        var previous = -1;
        for (var r = 1; r <= top; r++)
        {
            if (r == rank)
            {
                continue; // the prompt's own token, already first
            }
            int candidate;
            do
            {
                previous = PseudoWords.Next(ref rng, previous);
                candidate = tokenizer.Encode(Encoding.UTF8.GetString(PseudoWords.Bytes(previous, first: false)))[0];
            }
            while (entries.ContainsKey(candidate));
            entries[candidate] = new PromptLogprob(logprobs[r - 1], r, tokenizer.Decode([candidate]));
        }
        return entries;
    }
}
