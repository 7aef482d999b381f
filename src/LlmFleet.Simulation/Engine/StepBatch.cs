namespace LlmFleet.Simulation.Engine;

/// <summary>What one engine step computes: the scheduled requests and the totals the step-time model needs.</summary>
internal sealed class StepBatch
{
    /// <summary>Requests in this step; each one's <see cref="EngineRequest.ScheduledTokens"/> says how many tokens.</summary>
    public List<EngineRequest> Requests { get; } = [];

    /// <summary>Prompt tokens computed (chunks of prefills, recomputation after preemption).</summary>
    public int PrefillTokens { get; set; }

    /// <summary>Sequences decoding one token.</summary>
    public int DecodeSequences { get; set; }

    /// <summary>Context (KV) the decoding sequences read.</summary>
    public long DecodeContextTokens { get; set; }

    public int Preemptions { get; set; }

    /// <summary>Prompt tokens looked up in the prefix cache this step.</summary>
    public long PrefixQueryTokens { get; set; }

    /// <summary>Prompt tokens found there.</summary>
    public long PrefixHitTokens { get; set; }

    public bool IsEmpty => Requests.Count == 0;

    public void Clear()
    {
        Requests.Clear();
        PrefillTokens = DecodeSequences = Preemptions = 0;
        DecodeContextTokens = PrefixQueryTokens = PrefixHitTokens = 0;
    }
}
