namespace LlmFleet.Simulation.Engine;

/// <summary>
/// A continuous-batching scheduler after vLLM V1's: each step first gives running requests their next tokens (one to
/// decode, or the next chunk of a prefill), preempting the latest-admitted request (recompute) when KV blocks run out;
/// then, if nothing was preempted, admits waiting requests first come first served, within
/// <c>max_num_seqs</c> and the step's token budget <c>max_num_batched_tokens</c>, skipping any prompt prefix whose
/// full blocks are still cached. Pure bookkeeping, no time: <see cref="TwinEngine"/> times the steps.
/// </summary>
internal sealed class Scheduler(KvBlockPool pool, int maxNumSeqs, int maxNumBatchedTokens)
{
    private readonly RequestQueue _waiting = new();
    private readonly List<EngineRequest> _running = [];

    public KvBlockPool Pool => pool;

    public int RunningCount => _running.Count;

    public int WaitingCount => _waiting.Count;

    public bool HasWork => _running.Count > 0 || _waiting.Count > 0;

    public void Add(EngineRequest request)
    {
        request.State = RequestState.Waiting;
        _waiting.AddLast(request);
    }

    /// <summary>Takes an unfinished request out (client gone); frees its blocks. False if it had already finished.</summary>
    public bool Abort(EngineRequest request)
    {
        switch (request.State)
        {
            case RequestState.Running:
                _running.Remove(request);
                FreeBlocks(request);
                break;
            case RequestState.Waiting:
                _waiting.Remove(request);
                FreeBlocks(request);
                break;
            default:
                return false;
        }
        request.State = RequestState.Finished;
        return true;
    }

    /// <summary>Removes every unfinished request (shutdown), freeing their blocks.</summary>
    public List<EngineRequest> DrainAll()
    {
        var all = new List<EngineRequest>(_running);
        while (_waiting.Count > 0)
        {
            all.Add(_waiting.RemoveFirst());
        }
        foreach (var r in all)
        {
            FreeBlocks(r);
            r.State = RequestState.Finished;
        }
        _running.Clear();
        return all;
    }

    /// <summary>Fills <paramref name="batch"/> with the next step's work.</summary>
    public void Schedule(StepBatch batch)
    {
        batch.Clear();
        var budget = maxNumBatchedTokens;

        for (var i = 0; i < _running.Count && budget > 0; i++)
        {
            var r = _running[i];
            var n = Math.Min(r.NumTokens - r.NumComputed, budget);
            var scheduled = true;
            while (!TryGrow(r, r.NumComputed + n))
            {
                var victim = _running[^1];
                _running.RemoveAt(_running.Count - 1);
                Preempt(victim, batch);
                if (ReferenceEquals(victim, r))
                {
                    scheduled = false;
                    break;
                }
            }
            if (!scheduled)
            {
                break;
            }
            Add(batch, r, n);
            budget -= n;
        }

        if (batch.Preemptions > 0)
        {
            return;
        }
        while (_waiting.Count > 0 && budget > 0 && _running.Count < maxNumSeqs)
        {
            var r = _waiting.First;
            var hits = CountCachedBlocks(r, out var unreferencedHits);
            var cachedTokens = hits * KvBlockPool.BlockSize;
            var n = Math.Min(r.NumTokens - cachedTokens, budget);
            var newBlocks = KvBlockPool.BlocksFor(cachedTokens + n) - hits;
            if (pool.FreeBlocks - unreferencedHits < newBlocks)
            {
                break;
            }
            _waiting.RemoveFirst();
            for (var b = 0; b < hits; b++)
            {
                pool.TryFindCached(r.BlockHashes[b], out var block);
                pool.Share(block);
                r.Blocks.Add(block);
            }
            r.CommittedBlocks = hits;
            r.NumComputed = cachedTokens;
            TryGrow(r, cachedTokens + n);
            batch.PrefixQueryTokens += r.PromptTokens;
            batch.PrefixHitTokens += cachedTokens;
            if (!r.EverScheduled)
            {
                r.CachedPromptTokens = cachedTokens;
                r.EverScheduled = true;
            }
            r.State = RequestState.Running;
            _running.Add(r);
            Add(batch, r, n);
            budget -= n;
        }
    }

    /// <summary>
    /// Applies a step's results: computed tokens, full prompt blocks committed to the prefix cache, one new token for
    /// every sequence whose known tokens are all computed. Requests that got a token go to <paramref name="emitted"/>;
    /// those that are done leave the running set and go to <paramref name="finished"/> (blocks freed, still cached).
    /// </summary>
    public void Complete(StepBatch batch, List<EngineRequest> emitted, List<EngineRequest> finished)
    {
        foreach (var r in batch.Requests)
        {
            r.NumComputed += r.ScheduledTokens;
            r.ScheduledTokens = 0;
            CommitFullBlocks(r);
            if (r.NumComputed < r.NumTokens)
            {
                continue; // a prefill chunk: more to compute before anything is sampled
            }
            if (!r.PrefillOnly)
            {
                r.NumOutput++;
                emitted.Add(r);
            }
            if (r.NumOutput >= r.OutputTarget)
            {
                _running.Remove(r);
                FreeBlocks(r);
                r.State = RequestState.Finished;
                finished.Add(r);
            }
        }
    }

    private static void Add(StepBatch batch, EngineRequest r, int n)
    {
        r.ScheduledTokens = n;
        batch.Requests.Add(r);
        var decoding = n == 1 && r.NumOutput > 0 && r.NumComputed == r.NumTokens - 1;
        if (decoding)
        {
            batch.DecodeSequences++;
            batch.DecodeContextTokens += r.NumTokens;
        }
        else
        {
            batch.PrefillTokens += n;
        }
    }

    /// <summary>Leading full prompt blocks still cached, leaving at least one prompt token to compute (as vLLM does).</summary>
    private int CountCachedBlocks(EngineRequest r, out int unreferenced)
    {
        unreferenced = 0;
        var limit = Math.Min(r.BlockHashes.Length, (r.PromptTokens - 1) / KvBlockPool.BlockSize);
        var hits = 0;
        while (hits < limit && pool.TryFindCached(r.BlockHashes[hits], out var block))
        {
            if (pool.IsUnreferenced(block))
            {
                unreferenced++;
            }
            hits++;
        }
        return hits;
    }

    private bool TryGrow(EngineRequest r, int tokens)
    {
        var needed = KvBlockPool.BlocksFor(tokens) - r.Blocks.Count;
        if (needed > pool.FreeBlocks)
        {
            return false;
        }
        for (var i = 0; i < needed; i++)
        {
            pool.TryAllocate(out var block);
            r.Blocks.Add(block);
        }
        return true;
    }

    private void CommitFullBlocks(EngineRequest r)
    {
        var full = Math.Min(r.NumComputed / KvBlockPool.BlockSize, r.BlockHashes.Length);
        for (var b = r.CommittedBlocks; b < full; b++)
        {
            pool.Commit(r.Blocks[b], r.BlockHashes[b]);
        }
        r.CommittedBlocks = Math.Max(r.CommittedBlocks, full);
    }

    private void Preempt(EngineRequest r, StepBatch batch)
    {
        FreeBlocks(r);
        r.NumComputed = 0;
        r.CommittedBlocks = 0;
        r.State = RequestState.Waiting;
        _waiting.AddFirst(r);
        batch.Preemptions++;
    }

    /// <summary>Frees a request's blocks last first, so its tail is evicted before the shared prefix.</summary>
    private void FreeBlocks(EngineRequest r)
    {
        for (var i = r.Blocks.Count - 1; i >= 0; i--)
        {
            pool.Release(r.Blocks[i]);
        }
        r.Blocks.Clear();
    }
}
