using LlmFleet.Simulation.Engine;

namespace LlmFleet.Simulation.Tests.Engine;

/// <summary>The scheduler's rules, step by step, without time: budget, seats, chunked prefill, prefix hits, preemption.</summary>
public sealed class SchedulerTests
{
    private static EngineRequest Request(int prompt, int output, ulong salt = 0) =>
        new(prompt, Hashes(prompt, salt), output, EngineFinishReason.Length);

    private static ulong[] Hashes(int prompt, ulong salt) =>
        LlmFleet.Simulation.Text.PromptTokenizer.BlockHashes(Enumerable.Range(0, prompt).Select(i => (int)((ulong)i + salt * 100_000)).ToList());

    private static (StepBatch Batch, List<EngineRequest> Emitted, List<EngineRequest> Finished) Step(Scheduler s)
    {
        var batch = new StepBatch();
        s.Schedule(batch);
        var emitted = new List<EngineRequest>();
        var finished = new List<EngineRequest>();
        var summary = (batch.PrefillTokens, batch.DecodeSequences, batch.Preemptions, batch.PrefixHitTokens);
        s.Complete(batch, emitted, finished);
        return (new StepBatch { PrefillTokens = summary.PrefillTokens, DecodeSequences = summary.DecodeSequences,
            Preemptions = summary.Preemptions, PrefixHitTokens = summary.PrefixHitTokens }, emitted, finished);
    }

    [Fact]
    public void Schedule_LongPrompt_IsChunkedByTheTokenBudget()
    {
        var s = new Scheduler(new KvBlockPool(1000), maxNumSeqs: 8, maxNumBatchedTokens: 512);
        var r = Request(1200, 3);
        s.Add(r);

        var steps = Enumerable.Range(0, 3).Select(_ => Step(s)).ToList();

        Assert.Equal([512, 512, 176], steps.Select(x => x.Batch.PrefillTokens));
        Assert.Empty(steps[0].Emitted);
        Assert.Empty(steps[1].Emitted);
        Assert.Single(steps[2].Emitted); // the first token comes with the last chunk
    }

    [Fact]
    public void Schedule_MaxNumSeqs_LeavesTheRestWaiting()
    {
        var s = new Scheduler(new KvBlockPool(1000), maxNumSeqs: 2, maxNumBatchedTokens: 8192);
        for (var i = 0; i < 3; i++)
        {
            s.Add(Request(32, 5, salt: (ulong)i));
        }

        Step(s);

        Assert.Equal(2, s.RunningCount);
        Assert.Equal(1, s.WaitingCount);
    }

    [Fact]
    public void Schedule_DecodingSequences_OneTokenEachStep()
    {
        var s = new Scheduler(new KvBlockPool(1000), maxNumSeqs: 8, maxNumBatchedTokens: 8192);
        s.Add(Request(40, 4, 1));
        s.Add(Request(40, 4, 2));

        var first = Step(s);
        var second = Step(s);

        Assert.Equal(80, first.Batch.PrefillTokens);
        Assert.Equal(2, first.Emitted.Count);
        Assert.Equal(0, second.Batch.PrefillTokens);
        Assert.Equal(2, second.Batch.DecodeSequences);
    }

    [Fact]
    public void Schedule_CachedPrefix_SkipsItsFullBlocks()
    {
        var s = new Scheduler(new KvBlockPool(1000), maxNumSeqs: 8, maxNumBatchedTokens: 8192);
        s.Add(Request(100, 1));
        Step(s); // computes and caches 6 full blocks, then finishes (1 token)

        s.Add(Request(100, 1));
        var again = Step(s);

        Assert.Equal(96, again.Batch.PrefixHitTokens);
        Assert.Equal(4, again.Batch.PrefillTokens);
    }

    [Fact]
    public void Schedule_BlocksRunOut_PreemptsTheNewestAndRecomputesItLater()
    {
        // 10 blocks of 16 tokens; two sequences of 64-token prompts growing by one token per step.
        var pool = new KvBlockPool(10);
        var s = new Scheduler(pool, maxNumSeqs: 8, maxNumBatchedTokens: 8192);
        var older = Request(64, 40, 1);
        var newer = Request(64, 40, 2);
        s.Add(older);
        s.Add(newer);

        var preemptions = 0;
        var finished = new List<EngineRequest>();
        for (var i = 0; i < 200 && finished.Count < 2; i++)
        {
            var step = Step(s);
            preemptions += step.Batch.Preemptions;
            finished.AddRange(step.Finished);
        }

        Assert.True(preemptions > 0);
        Assert.Equal([older, newer], finished); // the newer one was preempted, so the older finished first
        Assert.Equal(10, pool.FreeBlocks);
        Assert.All(finished, r => Assert.Equal(40, r.NumOutput));
    }
}
