using LlmFleet.Simulation.Engine;
using LlmFleet.Vllm.Metrics;

namespace LlmFleet.Simulation.Metrics;

/// <summary>
/// The metrics vLLM's V1 engine exports, kept the way vLLM counts them (loggers.py / stats.py): prompt tokens once per
/// request when its first token comes, prefix-cache queries and hits in tokens, TTFT from arrival, inter-token
/// latency between consecutive tokens, queue time from arrival to first scheduling. The engine thread writes; the
/// <c>/metrics</c> endpoint reads.
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

    private long _promptTokens;
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
    }

    public string ModelName { get; }

    public Histogram TimeToFirstToken { get; } = new(TtftBuckets);

    public Histogram InterTokenLatency { get; } = new(ItlBuckets);

    public Histogram E2eLatency { get; } = new(RequestLatencyBuckets);

    public Histogram QueueTime { get; } = new(RequestLatencyBuckets);

    public Histogram PromptTokensPerRequest { get; }

    public Histogram GenerationTokensPerRequest { get; }

    public long PromptTokens => Volatile.Read(ref _promptTokens);

    public long GenerationTokens => Volatile.Read(ref _generationTokens);

    public long PrefixCacheQueries => Volatile.Read(ref _prefixQueries);

    public long PrefixCacheHits => Volatile.Read(ref _prefixHits);

    public long Preemptions => Volatile.Read(ref _preemptions);

    public int Running => Volatile.Read(ref _running);

    public int Waiting => Volatile.Read(ref _waiting);

    public double KvCacheUsage => Volatile.Read(ref _kvUsage);

    /// <summary>Finished requests for a <c>finished_reason</c> label value.</summary>
    public long Finished(EngineFinishReason reason) => Volatile.Read(ref _finished[(int)reason]);

    public static string Label(EngineFinishReason reason) => reason switch
    {
        EngineFinishReason.Stop => "stop",
        EngineFinishReason.Length => "length",
        _ => "abort",
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
        foreach (var r in emitted)
        {
            if (r.NumOutput == 1)
            {
                Add(ref _promptTokens, r.PromptTokens);
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
                Add(ref _promptTokens, r.PromptTokens);
            }
            RecordFinished(r, r.PlannedFinish, now, time);
        }
    }

    public void RecordAbort(EngineRequest r) => Interlocked.Increment(ref _finished[(int)EngineFinishReason.Abort]);

    private void RecordFinished(EngineRequest r, EngineFinishReason reason, long now, TimeProvider time)
    {
        Interlocked.Increment(ref _finished[(int)reason]);
        E2eLatency.Observe(time.GetElapsedTime(r.ArrivalTimestamp, now).TotalSeconds);
        QueueTime.Observe(time.GetElapsedTime(r.ArrivalTimestamp, r.FirstScheduledTimestamp).TotalSeconds);
        PromptTokensPerRequest.Observe(r.PromptTokens);
        GenerationTokensPerRequest.Observe(r.NumOutput);
    }

    private static void Add(ref long field, long value)
    {
        if (value != 0)
        {
            Interlocked.Add(ref field, value);
        }
    }

    /// <summary>The names this twin exports, for documentation and tests.</summary>
    public static IReadOnlyList<string> ExportedNames { get; } =
    [
        VllmMetricNames.NumRequestsRunning, VllmMetricNames.NumRequestsWaiting, VllmMetricNames.KvCacheUsagePerc,
        VllmMetricNames.PromptTokensTotal, VllmMetricNames.GenerationTokensTotal, VllmMetricNames.PrefixCacheQueriesTotal,
        VllmMetricNames.PrefixCacheHitsTotal, VllmMetricNames.NumPreemptionsTotal, VllmMetricNames.RequestSuccessTotal,
        VllmMetricNames.TimeToFirstTokenSeconds, VllmMetricNames.InterTokenLatencySeconds,
        VllmMetricNames.E2eRequestLatencySeconds, VllmMetricNames.RequestQueueTimeSeconds,
        VllmMetricNames.RequestPromptTokens, VllmMetricNames.RequestGenerationTokens,
    ];
}
