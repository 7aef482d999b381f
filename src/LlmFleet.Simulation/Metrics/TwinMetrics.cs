using LlmFleet.Simulation.Engine;

namespace LlmFleet.Simulation.Metrics;

/// <summary>
/// The metrics vLLM's V1 engine exports, kept the way vLLM counts them (loggers.py / stats.py): prompt tokens once per
/// request when its first token comes, prefix-cache queries and hits in tokens, TTFT from arrival, inter-token
/// latency between consecutive tokens, queue time from arrival to first scheduling, prefill from scheduling to the
/// first token, decode from the first to the last token, inference from scheduling to the last token. A request the
/// client aborted is not counted as finished (vLLM's output processor drops its stats). The engine thread writes;
/// the <c>/metrics</c> endpoint reads.
/// </summary>
internal sealed class TwinMetrics
{
    // Bucket bounds as in vllm/v1/metrics/loggers.py.
    private static readonly double[] TtftBuckets =
        [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0];
    private static readonly double[] ItlBuckets =
        [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0];
    private static readonly double[] RequestLatencyBuckets =
        [0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0];
    private static readonly double[] IterationTokenBuckets = [1, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384];
    private static readonly double[] NBuckets = [1, 2, 5, 10, 20];

    private long _promptTokens;
    private long _cachedPromptTokens;
    private long _generationTokens;
    private long _prefixQueries;
    private long _prefixHits;
    private long _preemptions;
    private readonly long[] _finished = new long[3];
    private int _running;
    private int _waiting;
    private double _kvUsage;

    public TwinMetrics(string modelName, long maxModelLen)
    {
        ModelName = modelName;
        PromptTokensPerRequest = new Histogram(Histogram.OneTwoFive(maxModelLen));
        GenerationTokensPerRequest = new Histogram(Histogram.OneTwoFive(maxModelLen));
        MaxNumGenerationTokens = new Histogram(Histogram.OneTwoFive(maxModelLen));
        ParamsMaxTokens = new Histogram(Histogram.OneTwoFive(maxModelLen));
        PrefillKvComputedTokens = new Histogram(Histogram.OneTwoFive(maxModelLen));
    }

    public string ModelName { get; }

    public Histogram TimeToFirstToken { get; } = new(TtftBuckets);

    public Histogram InterTokenLatency { get; } = new(ItlBuckets);

    public Histogram RequestTimePerOutputToken { get; } = new(ItlBuckets);

    public Histogram E2eLatency { get; } = new(RequestLatencyBuckets);

    public Histogram QueueTime { get; } = new(RequestLatencyBuckets);

    public Histogram InferenceTime { get; } = new(RequestLatencyBuckets);

    public Histogram PrefillTime { get; } = new(RequestLatencyBuckets);

    public Histogram DecodeTime { get; } = new(RequestLatencyBuckets);

    public Histogram IterationTokens { get; } = new(IterationTokenBuckets);

    public Histogram ParamsN { get; } = new(NBuckets);

    public Histogram PromptTokensPerRequest { get; }

    public Histogram GenerationTokensPerRequest { get; }

    public Histogram MaxNumGenerationTokens { get; }

    public Histogram ParamsMaxTokens { get; }

    public Histogram PrefillKvComputedTokens { get; }

    public long PromptTokens => Volatile.Read(ref _promptTokens);

    /// <summary>Prompt tokens the prefix cache held, counted with <see cref="PromptTokens"/>.</summary>
    public long CachedPromptTokens => Volatile.Read(ref _cachedPromptTokens);

    public long GenerationTokens => Volatile.Read(ref _generationTokens);

    public long PrefixCacheQueries => Volatile.Read(ref _prefixQueries);

    public long PrefixCacheHits => Volatile.Read(ref _prefixHits);

    public long Preemptions => Volatile.Read(ref _preemptions);

    public int Running => Volatile.Read(ref _running);

    public int Waiting => Volatile.Read(ref _waiting);

    public double KvCacheUsage => Volatile.Read(ref _kvUsage);

    /// <summary>Finished requests for a <c>finished_reason</c> label value (0 for reasons the twin never ends with).</summary>
    public long Finished(string reason) => reason switch
    {
        "stop" => Volatile.Read(ref _finished[(int)EngineFinishReason.Stop]),
        "length" => Volatile.Read(ref _finished[(int)EngineFinishReason.Length]),
        "abort" => Volatile.Read(ref _finished[(int)EngineFinishReason.Abort]),
        _ => 0,
    };

    public void SetSchedulerState(int running, int waiting, double kvUsage)
    {
        Volatile.Write(ref _running, running);
        Volatile.Write(ref _waiting, waiting);
        Volatile.Write(ref _kvUsage, kvUsage);
    }

    public void RecordStep(StepBatch batch, List<EngineRequest> emitted, List<EngineRequest> finished, long now, TimeProvider time)
    {
        Add(ref _prefixQueries, batch.PrefixQueryTokens);
        Add(ref _prefixHits, batch.PrefixHitTokens);
        Add(ref _preemptions, batch.Preemptions);
        Add(ref _generationTokens, emitted.Count);
        long promptTokens = 0;
        foreach (var r in emitted)
        {
            if (r.NumOutput == 1)
            {
                promptTokens += r.PromptTokens;
                Add(ref _cachedPromptTokens, r.CachedPromptTokens);
                TimeToFirstToken.Observe(time.GetElapsedTime(r.ArrivalTimestamp, now).TotalSeconds);
            }
            else
            {
                InterTokenLatency.Observe(time.GetElapsedTime(r.LastTokenTimestamp, now).TotalSeconds);
            }
        }
        foreach (var r in finished)
        {
            if (r.PrefillOnly)
            {
                promptTokens += r.PromptTokens;
                Add(ref _cachedPromptTokens, r.CachedPromptTokens);
            }
            RecordFinished(r, r.PlannedFinish, now, time);
        }
        Add(ref _promptTokens, promptTokens);
        IterationTokens.Observe(promptTokens + emitted.Count); // vLLM: the step's prompt and generation tokens
    }

    private void RecordFinished(EngineRequest r, EngineFinishReason reason, long now, TimeProvider time)
    {
        Interlocked.Increment(ref _finished[(int)reason]);
        var scheduled = r.FirstScheduledTimestamp;
        var firstToken = r.PrefillOnly ? now : r.FirstTokenTimestamp;
        var decode = time.GetElapsedTime(firstToken, now).TotalSeconds;
        E2eLatency.Observe(time.GetElapsedTime(r.ArrivalTimestamp, now).TotalSeconds);
        QueueTime.Observe(time.GetElapsedTime(r.ArrivalTimestamp, scheduled).TotalSeconds);
        PrefillTime.Observe(time.GetElapsedTime(scheduled, firstToken).TotalSeconds);
        InferenceTime.Observe(time.GetElapsedTime(scheduled, now).TotalSeconds);
        DecodeTime.Observe(decode);
        PromptTokensPerRequest.Observe(r.PromptTokens);
        GenerationTokensPerRequest.Observe(r.NumOutput);
        PrefillKvComputedTokens.Observe(r.PromptTokens - r.CachedPromptTokens);
        // vLLM: decode time over the tokens after the first; 0 for a one-token answer.
        RequestTimePerOutputToken.Observe(r.NumOutput > 1 ? decode / (r.NumOutput - 1) : 0);
        if (r.MaxTokensParam > 0)
        {
            ParamsMaxTokens.Observe(r.MaxTokensParam);
        }
        if (r.Group is { } group)
        {
            group.Finished++;
            group.MaxGenerated = Math.Max(group.MaxGenerated, r.NumOutput);
            if (group.Finished == group.N)
            {
                // vLLM records n and the longest output of a parent request once all its children are done.
                ParamsN.Observe(group.N);
                MaxNumGenerationTokens.Observe(group.MaxGenerated);
            }
        }
    }

    private static void Add(ref long field, long value)
    {
        if (value != 0)
        {
            Interlocked.Add(ref field, value);
        }
    }
}
