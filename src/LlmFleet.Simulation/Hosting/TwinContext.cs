using LlmFleet.Simulation.Engine;
using LlmFleet.Simulation.Faults;
using LlmFleet.Simulation.Metrics;
using LlmFleet.Simulation.Text;

namespace LlmFleet.Simulation.Hosting;

/// <summary>Everything a twin's endpoints share: its options and profile, engine, tokenizer, metrics and faults.</summary>
internal sealed class TwinContext
{
    private long _requestCounter;

    public TwinContext(TwinOptions options, TwinProfile profile)
    {
        Options = options;
        Profile = profile;
        Time = options.TimeProvider;
        Faults = new FaultState(options.Faults, options.Seed);
        Metrics = new TwinMetrics(profile.ServedModelName, profile.MaxModelLen);
        var scheduler = new Scheduler(new KvBlockPool(profile.KvCacheBlocks), options.MaxNumSeqs, options.MaxNumBatchedTokens);
        Engine = new TwinEngine(scheduler, profile.StepTime, options.Speed, Time, Faults, Metrics);
        StartedUnixSeconds = Time.GetUtcNow().ToUnixTimeSeconds();
    }

    public TwinOptions Options { get; }

    public TwinProfile Profile { get; }

    public TimeProvider Time { get; }

    public FaultState Faults { get; }

    public TwinMetrics Metrics { get; }

    public TwinEngine Engine { get; }

    public PromptTokenizer Tokenizer { get; } = new();

    /// <summary>Responses kept for the Responses API (with <see cref="TwinOptions.EnableResponsesStore"/>).</summary>
    public Api.ResponseStore Responses { get; } = new();

    public long StartedUnixSeconds { get; }

    /// <summary>Set when the <c>crash</c> fault stopped the server: completes once it no longer listens.</summary>
    public Task? Crashed { get; set; }

    public long NowUnixSeconds => Time.GetUtcNow().ToUnixTimeSeconds();

    /// <summary>
    /// The seed of one choice: the request's <c>seed</c> when given (same seed, same text), else the twin's seed and
    /// the request's arrival order (deterministic for a run with the same seed and order).
    /// </summary>
    public ulong ChoiceSeed(long? requestSeed, long requestNumber, int choice) =>
        SplitMix64.Mix(SplitMix64.Mix((ulong)Options.Seed, (ulong)(requestSeed ?? requestNumber) ^ (requestSeed is null ? 0UL : 0x5EEDUL)), (ulong)choice);

    public long NextRequestNumber() => Interlocked.Increment(ref _requestCounter);

    /// <summary>True when <paramref name="model"/> names this twin's model (null means "the one served", as in vLLM).</summary>
    public bool Serves(string? model) => model is null || model == Profile.ServedModelName;
}
