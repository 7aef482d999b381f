using LlmFleet.Operations.Download;

namespace LlmFleet.Operations.Tests.Download;

/// <summary>The ranges of one file: whole chunks in file order, covering it once, short where the file ends.</summary>
public sealed class RangeScheduleTests
{
    private const long Chunk = 16 << 20;

    [Fact]
    public void TryTake_EightConnections_CoversTheFileInOrderWithRunsThatShrinkToOneChunk()
    {
        var size = (239 * Chunk) + 12_345; // 240 chunks, the last one short
        var ranges = TakeAll(new RangeSchedule(0, size, Chunk, connections: 8));

        AssertCoversInOrder(ranges, 0, size);
        var runs = ranges.Select(r => (int)((r.To - r.From + Chunk - 1) / Chunk)).ToList();
        Assert.Equal(15, runs[0]); // 240 / 16: long runs while much remains
        Assert.Equal(runs.OrderByDescending(r => r), runs); // never longer than the one before
        // The last eight requests, one per connection, are single chunks: when the transfer ends, little written data
        // is left beyond the hashed prefix.
        Assert.All(runs.TakeLast(8), r => Assert.Equal(1, r));
        Assert.InRange(ranges.Count, 16, 80); // a few dozen round trips, not one per chunk
    }

    [Fact]
    public void TryTake_OneConnection_AsksForTheLongestRunsThroughout()
    {
        var size = 130 * Chunk;
        var ranges = TakeAll(new RangeSchedule(0, size, Chunk, connections: 1));

        AssertCoversInOrder(ranges, 0, size);
        Assert.Equal([64 * Chunk, 64 * Chunk, 2 * Chunk], ranges.Select(r => r.To - r.From));
    }

    [Fact]
    public void TryTake_ResumedFile_CountsChunksFromTheResumePoint()
    {
        var start = 3 * Chunk;
        var size = start + (5 * Chunk) + 1;
        var ranges = TakeAll(new RangeSchedule(start, size, Chunk, connections: 2));

        AssertCoversInOrder(ranges, start, size);
        Assert.All(ranges.SkipLast(1), r => Assert.Equal(0, (r.To - start) % Chunk)); // every range ends on a chunk boundary
    }

    [Fact]
    public void TryTake_NothingLeft_ReturnsFalse()
    {
        var schedule = new RangeSchedule(Chunk, Chunk, Chunk, connections: 4);

        Assert.False(schedule.TryTake(out _, out _));
    }

    private static List<(long From, long To)> TakeAll(RangeSchedule schedule)
    {
        var ranges = new List<(long, long)>();
        while (schedule.TryTake(out var from, out var to))
        {
            ranges.Add((from, to));
        }
        return ranges;
    }

    private static void AssertCoversInOrder(List<(long From, long To)> ranges, long start, long size)
    {
        Assert.Equal(start, ranges[0].From);
        Assert.Equal(size, ranges[^1].To);
        for (var i = 1; i < ranges.Count; i++)
        {
            Assert.Equal(ranges[i - 1].To, ranges[i].From);
        }
        Assert.All(ranges, r => Assert.True(r.To > r.From));
    }
}
