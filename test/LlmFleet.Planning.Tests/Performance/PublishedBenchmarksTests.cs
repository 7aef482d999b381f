using LlmFleet.Planning.Performance;

namespace LlmFleet.Planning.Tests.Performance;

/// <summary>
/// The published serving measurements of <c>Data/Calibration/published-benchmarks.json</c>: every one is planned in
/// its own layout and compared as bench/calibration/Fit compares it (the tables in docs/planning.md come from there).
/// </summary>
public sealed class PublishedBenchmarksTests
{
    public static TheoryData<string> Ids() => [.. PublishedBenchmarks.All.Select(b => b.Id)];

    [Theory]
    [MemberData(nameof(Ids))]
    public void Predict_EachPublishedBenchmark_PlansItsLayoutWithinAFactorOfThree(string id)
    {
        var b = PublishedBenchmarks.All.Single(x => x.Id == id);
        var predicted = PublishedBenchmarks.Predict(b, Calibration.Default);
        var error = PublishedBenchmarks.Error(b, predicted);
        // A gross-error guard, not the accuracy claim (docs/planning.md reports the median and largest errors of the
        // fit and held-out sets): a term lost or counted twice moves a figure by more than this.
        Assert.InRange(error, -2.0 / 3, 3);
    }

    [Fact]
    public void All_SplitIntoFitAndHeldOutThirds_OverFourGpuKindsAtOneAndManyStreams()
    {
        var all = PublishedBenchmarks.All;
        Assert.True(all.Count >= 24);
        Assert.InRange(all.Count(b => b.HeldOut), all.Count / 3, all.Count / 3 + 1);
        Assert.True(all.Select(b => b.Gpu).Distinct().Count() >= 4);
        Assert.Contains(all, b => b.Concurrency == 1);
        Assert.Contains(all, b => b.Concurrency >= 32);
        Assert.All(all, b => Assert.False(string.IsNullOrWhiteSpace(b.Source)));
    }
}
