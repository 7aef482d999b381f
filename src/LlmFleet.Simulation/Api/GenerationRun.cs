using LlmFleet.Simulation.Engine;
using LlmFleet.Simulation.Hosting;
using LlmFleet.Simulation.Text;

namespace LlmFleet.Simulation.Api;

/// <summary>
/// The engine requests behind one API request (one per choice: <c>n</c> per prompt, prompt by prompt as vLLM indexes
/// them, all sharing one signal) and their scripts. Disposing it, or the client going away, aborts whatever is
/// unfinished, as vLLM does.
/// </summary>
internal sealed class GenerationRun : IDisposable
{
    private readonly TwinContext _twin;
    private CancellationTokenRegistration _abortOnDisconnect;

    /// <param name="prompts">The prompts' token ids (a batched <c>/v1/completions</c> has several).</param>
    /// <param name="scripts">Choice <c>i</c> answers prompt <c>i / n</c>.</param>
    /// <param name="maxTokens">The output limit in force, as vLLM's <c>max_tokens</c> sampling parameter.</param>
    public GenerationRun(TwinContext twin, IReadOnlyList<IReadOnlyList<int>> prompts, OutputScript[] scripts, int maxTokens)
    {
        _twin = twin;
        Scripts = scripts;
        Prompts = prompts;
        N = scripts.Length / prompts.Count;
        Requests = new EngineRequest[scripts.Length];
        for (var p = 0; p < prompts.Count; p++)
        {
            var hashes = PromptTokenizer.BlockHashes(prompts[p]);
            var group = new RequestGroup(N);
            for (var c = 0; c < N; c++)
            {
                var i = p * N + c;
                Requests[i] = new EngineRequest(prompts[p].Count, hashes, scripts[i].Length, scripts[i].EngineFinish, signal: Signal)
                {
                    Group = group,
                    MaxTokensParam = maxTokens,
                };
            }
        }
        PromptTokens = prompts.Sum(p => p.Count);
    }

    public IReadOnlyList<IReadOnlyList<int>> Prompts { get; }

    /// <summary>Choices per prompt.</summary>
    public int N { get; }

    /// <summary>Prompt tokens the prefix cache held, over all prompts (each counted once, as vLLM's usage does).</summary>
    public int CachedPromptTokens
    {
        get
        {
            var cached = 0;
            for (var i = 0; i < Requests.Length; i += N)
            {
                cached += Requests[i].CachedPromptTokens;
            }
            return cached;
        }
    }

    /// <summary>The request's usage; <c>prompt_tokens_details</c> when the twin runs with it (vLLM's
    /// <c>--enable-prompt-tokens-details</c>).</summary>
    public Usage TotalUsage()
    {
        var usage = Usage.Of(PromptTokens, CompletionTokens);
        if (_twin.Options.EnablePromptTokensDetails)
        {
            usage.PromptTokensDetails = new PromptTokensDetails { CachedTokens = CachedPromptTokens };
        }
        return usage;
    }

    public AsyncSignal Signal { get; } = new();

    public OutputScript[] Scripts { get; }

    public EngineRequest[] Requests { get; }

    public int PromptTokens { get; }

    public bool AllFinished => Array.TrueForAll(Requests, r => r.IsFinished);

    public int CompletionTokens => Requests.Sum(r => r.GeneratedTokens);

    public void Start(CancellationToken clientGone)
    {
        _abortOnDisconnect = clientGone.Register(Abort);
        foreach (var r in Requests)
        {
            _twin.Engine.Submit(r);
        }
    }

    public async Task WaitAllAsync()
    {
        while (!AllFinished)
        {
            await Signal.WaitAsync();
        }
    }

    /// <summary>The finish reason a client sees for choice <paramref name="i"/> once it finished.</summary>
    public string FinishReason(int i) =>
        Requests[i].FinishReason == EngineFinishReason.Abort ? "abort" : Scripts[i].FinishReason;

    public void Abort()
    {
        foreach (var r in Requests)
        {
            _twin.Engine.Abort(r);
        }
    }

    public void Dispose()
    {
        _abortOnDisconnect.Dispose();
        if (!AllFinished)
        {
            Abort();
        }
    }
}
