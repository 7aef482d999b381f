using LlmFleet.Simulation.Engine;
using LlmFleet.Simulation.Hosting;
using LlmFleet.Simulation.Text;

namespace LlmFleet.Simulation.Api;

/// <summary>
/// The engine requests behind one API request (one per choice, <c>n</c> of them, sharing one signal) and their
/// scripts. Disposing it, or the client going away, aborts whatever is unfinished, as vLLM does.
/// </summary>
internal sealed class GenerationRun : IDisposable
{
    private readonly TwinContext _twin;
    private CancellationTokenRegistration _abortOnDisconnect;

    public GenerationRun(TwinContext twin, int promptTokens, ulong[] blockHashes, OutputScript[] scripts)
    {
        _twin = twin;
        Scripts = scripts;
        Requests = new EngineRequest[scripts.Length];
        for (var i = 0; i < scripts.Length; i++)
        {
            Requests[i] = new EngineRequest(promptTokens, blockHashes, scripts[i].Length, scripts[i].EngineFinish, signal: Signal);
        }
        PromptTokens = promptTokens;
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
