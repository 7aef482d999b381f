namespace LlmFleet.Simulation.Engine;

/// <summary>
/// One sequence in the twin's engine: its prompt (length and full-block hashes), how many tokens it will generate,
/// and the scheduler's bookkeeping. The engine thread owns the bookkeeping; the response writer reads only
/// <see cref="GeneratedTokens"/>, <see cref="IsFinished"/> and the timestamps after it was signalled.
/// </summary>
internal sealed class EngineRequest
{
    private volatile int _generated;
    private volatile bool _finished;

    /// <param name="promptTokens">Prompt length in tokens.</param>
    /// <param name="blockHashes">Chained hashes of the prompt's full 16-token blocks (for prefix caching).</param>
    /// <param name="outputTokens">Tokens to generate before finishing with <paramref name="finishReason"/>.</param>
    /// <param name="prefillOnly">An embedding request: finished once its prompt is computed, nothing generated.</param>
    /// <param name="signal">Shared by the choices of one response (<c>n</c> &gt; 1), which one writer serves.</param>
    public EngineRequest(int promptTokens, ulong[] blockHashes, int outputTokens, EngineFinishReason finishReason,
        bool prefillOnly = false, AsyncSignal? signal = null)
    {
        Signal = signal ?? new AsyncSignal();
        ArgumentOutOfRangeException.ThrowIfLessThan(promptTokens, 1);
        PromptTokens = promptTokens;
        BlockHashes = blockHashes;
        OutputTarget = prefillOnly ? 0 : Math.Max(outputTokens, 1);
        PlannedFinish = finishReason;
        PrefillOnly = prefillOnly;
    }

    public int PromptTokens { get; }

    public ulong[] BlockHashes { get; }

    public int OutputTarget { get; }

    public EngineFinishReason PlannedFinish { get; }

    public bool PrefillOnly { get; }

    /// <summary>Woken after each step that gave this request a token, and when it finishes.</summary>
    public AsyncSignal Signal { get; }

    /// <summary>Tokens generated so far, as published to the response writer.</summary>
    public int GeneratedTokens => _generated;

    public bool IsFinished => _finished;

    /// <summary>Set when finished: why.</summary>
    public EngineFinishReason FinishReason { get; private set; }

    /// <summary>The choices of one prompt (<c>n</c> of them), for vLLM's per-request metrics; null for a lone request.</summary>
    public RequestGroup? Group { get; init; }

    /// <summary>The <c>max_tokens</c> sampling parameter in force (vLLM's <c>request_params_max_tokens</c>); 0 when none.</summary>
    public int MaxTokensParam { get; init; }

    /// <summary>Prompt tokens found in the prefix cache when the request was first scheduled.</summary>
    public int CachedPromptTokens { get; internal set; }

    // Scheduler state (engine thread only).
    internal RequestState State { get; set; } = RequestState.New;

    internal int NumComputed { get; set; }

    internal int NumOutput { get; set; }

    internal int ScheduledTokens { get; set; }

    internal int CommittedBlocks { get; set; }

    internal bool EverScheduled { get; set; }

    internal List<int> Blocks { get; } = [];

    /// <summary>Prompt and generated tokens: what the KV cache must hold once all are computed.</summary>
    internal int NumTokens => PromptTokens + NumOutput;

    // Timestamps (TimeProvider ticks), engine thread only.
    internal long ArrivalTimestamp { get; set; }

    internal long FirstScheduledTimestamp { get; set; }

    internal long LastTokenTimestamp { get; set; }

    internal long FirstTokenTimestamp { get; set; }

    internal void Publish()
    {
        _generated = NumOutput;
        Signal.Set();
    }

    internal void Finish(EngineFinishReason reason)
    {
        FinishReason = reason;
        _generated = NumOutput;
        _finished = true;
        Signal.Set();
    }
}

/// <summary>The <c>n</c> sequences of one prompt: vLLM records <c>n</c> and the longest output once all have finished.</summary>
internal sealed class RequestGroup(int n)
{
    public int N { get; } = n;

    /// <summary>Engine thread only.</summary>
    internal int Finished { get; set; }

    /// <summary>Engine thread only.</summary>
    internal int MaxGenerated { get; set; }
}

internal enum RequestState
{
    New,
    Waiting,
    Running,
    Finished,
}
