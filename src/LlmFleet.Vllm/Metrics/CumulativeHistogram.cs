using System.Globalization;

namespace LlmFleet.Vllm.Metrics;

/// <summary>
/// A Prometheus histogram as scraped: cumulative counts per upper bound (<c>le</c>), the last bound +Inf. Two scrapes
/// subtracted give the observations in between; quantiles are read from that difference the way PromQL's
/// <c>histogram_quantile</c> does (linear within the bucket), so numbers match a Grafana panel over the same window.
/// </summary>
public sealed class CumulativeHistogram
{
    public static CumulativeHistogram Empty { get; } = new([], []);

    public CumulativeHistogram(double[] upperBounds, double[] cumulativeCounts)
    {
        UpperBounds = upperBounds;
        CumulativeCounts = cumulativeCounts;
    }

    public IReadOnlyList<double> UpperBounds { get; }

    public IReadOnlyList<double> CumulativeCounts { get; }

    public double Count => CumulativeCounts.Count == 0 ? 0 : CumulativeCounts[^1];

    /// <summary>Observations since <paramref name="earlier"/>; after a counter reset (restart), everything since it.</summary>
    public CumulativeHistogram Since(CumulativeHistogram earlier)
    {
        if (earlier.Count > Count || !earlier.UpperBounds.SequenceEqual(UpperBounds))
        {
            return this;
        }
        var counts = new double[CumulativeCounts.Count];
        for (var i = 0; i < counts.Length; i++)
        {
            counts[i] = CumulativeCounts[i] - earlier.CumulativeCounts[i];
        }
        return new CumulativeHistogram([.. UpperBounds], counts);
    }

    /// <summary>The <paramref name="q"/>-quantile (0–1); null when there are no observations.</summary>
    public double? Quantile(double q)
    {
        var total = Count;
        if (total <= 0)
        {
            return null;
        }
        var rank = q * total;
        for (var i = 0; i < CumulativeCounts.Count; i++)
        {
            if (CumulativeCounts[i] < rank)
            {
                continue;
            }
            var upper = UpperBounds[i];
            var lower = i == 0 ? 0 : UpperBounds[i - 1];
            if (double.IsPositiveInfinity(upper))
            {
                // Above the largest finite bound: PromQL answers that bound, the most that is known.
                return lower;
            }
            var below = i == 0 ? 0 : CumulativeCounts[i - 1];
            var inBucket = CumulativeCounts[i] - below;
            return inBucket <= 0 ? upper : lower + ((upper - lower) * (rank - below) / inBucket);
        }
        return UpperBounds.Count > 1 ? UpperBounds[^2] : null;
    }

    /// <summary>Collects <c>_bucket</c> samples (summed over engines) and builds the histogram.</summary>
    internal sealed class Builder
    {
        private readonly SortedDictionary<double, double> _counts = [];

        public bool Any => _counts.Count > 0;

        public void Add(ReadOnlySpan<char> le, double value)
        {
            var bound = le is "+Inf" or "Inf" ? double.PositiveInfinity : double.Parse(le, CultureInfo.InvariantCulture);
            _counts[bound] = _counts.GetValueOrDefault(bound) + value;
        }

        public CumulativeHistogram Build() => _counts.Count == 0 ? Empty : new CumulativeHistogram([.. _counts.Keys], [.. _counts.Values]);
    }
}
