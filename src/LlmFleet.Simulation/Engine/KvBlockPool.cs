namespace LlmFleet.Simulation.Engine;

/// <summary>
/// The KV cache as vLLM V1 manages it: a fixed number of blocks of <see cref="BlockSize"/> tokens, reference-counted;
/// a block whose tokens are a full, hashed block of some prompt stays findable by that hash after it is freed, until
/// it is reused (least recently freed first). Engine thread only: no locking.
/// </summary>
internal sealed class KvBlockPool
{
    /// <summary>vLLM's default <c>--block-size</c>.</summary>
    public const int BlockSize = 16;

    private const int None = -1;

    private readonly int[] _refCount;
    private readonly ulong[] _hash;
    private readonly bool[] _hashed;
    // Free blocks in eviction order, as a doubly linked list threaded through arrays (O(1) removal of a reused block).
    private readonly int[] _prev;
    private readonly int[] _next;
    private readonly Dictionary<ulong, int> _cached = [];
    private int _head = None;
    private int _tail = None;

    public KvBlockPool(int blocks)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blocks, 1);
        TotalBlocks = blocks;
        _refCount = new int[blocks];
        _hash = new ulong[blocks];
        _hashed = new bool[blocks];
        _prev = new int[blocks];
        _next = new int[blocks];
        for (var b = 0; b < blocks; b++)
        {
            Append(b);
        }
        FreeBlocks = blocks;
    }

    public int TotalBlocks { get; }

    /// <summary>Blocks no request holds (cached ones included: they can be reused).</summary>
    public int FreeBlocks { get; private set; }

    /// <summary><c>vllm:kv_cache_usage_perc</c>: the fraction of blocks held by requests.</summary>
    public double Usage => 1.0 - (double)FreeBlocks / TotalBlocks;

    public static int BlocksFor(long tokens) => (int)((tokens + BlockSize - 1) / BlockSize);

    /// <summary>The block holding this full-block hash, if it is still cached.</summary>
    public bool TryFindCached(ulong hash, out int block) => _cached.TryGetValue(hash, out block);

    /// <summary>True when no request holds the block (a cached block that is free to reuse).</summary>
    public bool IsUnreferenced(int block) => _refCount[block] == 0;

    /// <summary>Takes a reference on a cached block found by <see cref="TryFindCached"/>.</summary>
    public void Share(int block)
    {
        if (_refCount[block]++ == 0)
        {
            Unlink(block);
            FreeBlocks--;
        }
    }

    /// <summary>A fresh block (evicting the least recently freed cached one), or false when none is free.</summary>
    public bool TryAllocate(out int block)
    {
        block = _head;
        if (block == None)
        {
            return false;
        }
        Unlink(block);
        FreeBlocks--;
        if (_hashed[block])
        {
            _cached.Remove(_hash[block]);
            _hashed[block] = false;
        }
        _refCount[block] = 1;
        return true;
    }

    /// <summary>Drops a reference; an unreferenced block goes to the back of the eviction order, still cached.</summary>
    public void Release(int block)
    {
        if (--_refCount[block] == 0)
        {
            Append(block);
            FreeBlocks++;
        }
    }

    /// <summary>Records that <paramref name="block"/> now holds the full prompt block with this chained hash.</summary>
    public void Commit(int block, ulong hash)
    {
        if (_hashed[block] || !_cached.TryAdd(hash, block))
        {
            return;
        }
        _hash[block] = hash;
        _hashed[block] = true;
    }

    private void Append(int block)
    {
        _prev[block] = _tail;
        _next[block] = None;
        if (_tail == None)
        {
            _head = block;
        }
        else
        {
            _next[_tail] = block;
        }
        _tail = block;
    }

    private void Unlink(int block)
    {
        var p = _prev[block];
        var n = _next[block];
        if (p == None)
        {
            _head = n;
        }
        else
        {
            _next[p] = n;
        }
        if (n == None)
        {
            _tail = p;
        }
        else
        {
            _prev[n] = p;
        }
    }
}
