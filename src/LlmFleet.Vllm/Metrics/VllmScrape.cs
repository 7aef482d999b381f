namespace LlmFleet.Vllm.Metrics;

/// <summary>
/// One vLLM <c>/metrics</c> text, parsed once per scrape: the gateway's routing reads its gauges and the fleet monitor
/// keeps it whole. Gauges as they are, counters and histograms cumulative (rates come from the difference of two scrapes). Engines of a data-parallel server are summed, except
/// KV usage, where the fullest engine decides when preemption starts. Current and older metric names are both read.
/// </summary>
public sealed record VllmScrape
{
    public double Running { get; init; }

    public double Waiting { get; init; }

    /// <summary>Fraction 0–1 of KV-cache blocks in use.</summary>
    public double KvCacheUsage { get; init; }

    public double PromptTokens { get; init; }

    public double GenerationTokens { get; init; }

    /// <summary>Finished requests, every <c>finished_reason</c>.</summary>
    public double RequestsFinished { get; init; }

    public double Preemptions { get; init; }

    public double PrefixCacheQueries { get; init; }

    public double PrefixCacheHits { get; init; }

    public CumulativeHistogram TimeToFirstToken { get; init; } = CumulativeHistogram.Empty;

    public CumulativeHistogram InterTokenLatency { get; init; } = CumulativeHistogram.Empty;

    /// <summary>When the server process started (Unix seconds), where vLLM exports the process collector.</summary>
    public double? ProcessStartUnixSeconds { get; init; }

    /// <summary>True when the server used any of the older names (<see cref="VllmMetricAliases"/>).</summary>
    public bool UsesLegacyNames { get; init; }

    public static VllmScrape Parse(ReadOnlySpan<char> text)
    {
        double running = 0, waiting = 0, kv = 0, prompt = 0, generation = 0, finished = 0, preemptions = 0, queries = 0, hits = 0;
        double? processStart = null;
        var legacy = false;
        var ttft = new CumulativeHistogram.Builder();
        var itl = new CumulativeHistogram.Builder();
        var oldItl = new CumulativeHistogram.Builder();
        foreach (var s in PrometheusText.EnumerateSamples(text))
        {
            var name = s.Name;
            if (name.SequenceEqual(VllmMetricNames.NumRequestsRunning))
            {
                running += s.Value;
            }
            else if (name.SequenceEqual(VllmMetricNames.NumRequestsWaiting))
            {
                waiting += s.Value;
            }
            else if (name.SequenceEqual(VllmMetricNames.KvCacheUsagePerc) || Legacy(name.SequenceEqual(VllmMetricAliases.GpuCacheUsagePerc), ref legacy))
            {
                kv = Math.Max(kv, s.Value);
            }
            else if (name.SequenceEqual(VllmMetricNames.PromptTokensTotal))
            {
                prompt += s.Value;
            }
            else if (name.SequenceEqual(VllmMetricNames.GenerationTokensTotal))
            {
                generation += s.Value;
            }
            else if (name.SequenceEqual(VllmMetricNames.RequestSuccessTotal))
            {
                finished += s.Value;
            }
            else if (name.SequenceEqual(VllmMetricNames.NumPreemptionsTotal))
            {
                preemptions += s.Value;
            }
            else if (name.SequenceEqual(VllmMetricNames.PrefixCacheQueriesTotal) || Legacy(name.SequenceEqual(VllmMetricAliases.GpuPrefixCacheQueriesTotal), ref legacy))
            {
                queries += s.Value;
            }
            else if (name.SequenceEqual(VllmMetricNames.PrefixCacheHitsTotal) || Legacy(name.SequenceEqual(VllmMetricAliases.GpuPrefixCacheHitsTotal), ref legacy))
            {
                hits += s.Value;
            }
            else if (name.SequenceEqual(VllmMetricAliases.ProcessStartTimeSeconds))
            {
                processStart = s.Value;
            }
            else if (name.EndsWith("_bucket") && s.TryGetRawLabel("le", out var le))
            {
                var family = name[..^7];
                if (family.SequenceEqual(VllmMetricNames.TimeToFirstTokenSeconds))
                {
                    ttft.Add(le, s.Value);
                }
                else if (family.SequenceEqual(VllmMetricNames.InterTokenLatencySeconds))
                {
                    itl.Add(le, s.Value);
                }
                else if (family.SequenceEqual(VllmMetricAliases.TimePerOutputTokenSeconds))
                {
                    oldItl.Add(le, s.Value);
                }
            }
        }
        // A server in the middle of the rename exports both; the current name wins.
        var interToken = itl.Any ? itl : oldItl;
        return new VllmScrape
        {
            Running = running,
            Waiting = waiting,
            KvCacheUsage = kv,
            PromptTokens = prompt,
            GenerationTokens = generation,
            RequestsFinished = finished,
            Preemptions = preemptions,
            PrefixCacheQueries = queries,
            PrefixCacheHits = hits,
            TimeToFirstToken = ttft.Build(),
            InterTokenLatency = interToken.Build(),
            ProcessStartUnixSeconds = processStart,
            UsesLegacyNames = legacy || (!itl.Any && oldItl.Any),
        };
    }

    private static bool Legacy(bool matched, ref bool legacy)
    {
        legacy |= matched;
        return matched;
    }
}
