namespace LlmFleet.Simulation.Metrics;

/// <summary>
/// A Prometheus histogram with fixed upper bounds, written by the engine thread only and read by scrapes. Counts are
/// kept per bucket and made cumulative when written, so a scrape racing an update still sees monotonic buckets.
/// </summary>
internal sealed class Histogram(double[] upperBounds)
{
    private readonly long[] _counts = new long[upperBounds.Length + 1];
    private double _sum;

    public IReadOnlyList<double> UpperBounds => upperBounds;

    public double Sum => Volatile.Read(ref _sum);

    public void Observe(double value)
    {
        var i = Array.BinarySearch(upperBounds, value);
        if (i < 0)
        {
            i = ~i; // first bound above the value; le is inclusive, so an exact match keeps its own index
        }
        Interlocked.Increment(ref _counts[i]);
        Volatile.Write(ref _sum, _sum + value);
    }

    /// <summary>Cumulative counts, one per bound and a last one for +Inf (the total count).</summary>
    public long[] CumulativeCounts()
    {
        var result = new long[_counts.Length];
        long running = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            running += Volatile.Read(ref _counts[i]);
            result[i] = running;
        }
        return result;
    }

    /// <summary>vLLM's <c>build_1_2_5_buckets</c>: 1, 2, 5, 10, 20, 50… up to <paramref name="max"/>.</summary>
    public static double[] OneTwoFive(long max)
    {
        var bounds = new List<double>();
        for (long scale = 1; ; scale *= 10)
        {
            foreach (var m in (ReadOnlySpan<long>)[1, 2, 5])
            {
                if (m * scale > max)
                {
                    return [.. bounds];
                }
                bounds.Add(m * scale);
            }
        }
    }
}
