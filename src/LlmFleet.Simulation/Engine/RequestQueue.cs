namespace LlmFleet.Simulation.Engine;

/// <summary>
/// The scheduler's waiting queue: first come, first served, with preempted requests put back at the front. A ring
/// buffer, so queueing allocates nothing once it has grown.
/// </summary>
internal sealed class RequestQueue
{
    private EngineRequest?[] _items = new EngineRequest?[64];
    private int _head;

    public int Count { get; private set; }

    public EngineRequest First => Count > 0 ? _items[_head]! : throw new InvalidOperationException("queue is empty");

    public void AddLast(EngineRequest r)
    {
        Grow();
        _items[(_head + Count) % _items.Length] = r;
        Count++;
    }

    public void AddFirst(EngineRequest r)
    {
        Grow();
        _head = (_head - 1 + _items.Length) % _items.Length;
        _items[_head] = r;
        Count++;
    }

    public EngineRequest RemoveFirst()
    {
        var r = First;
        _items[_head] = null;
        _head = (_head + 1) % _items.Length;
        Count--;
        return r;
    }

    /// <summary>Removes <paramref name="r"/> wherever it is (an aborted request); false when absent.</summary>
    public bool Remove(EngineRequest r)
    {
        for (var i = 0; i < Count; i++)
        {
            if (ReferenceEquals(_items[(_head + i) % _items.Length], r))
            {
                for (var j = i; j < Count - 1; j++)
                {
                    _items[(_head + j) % _items.Length] = _items[(_head + j + 1) % _items.Length];
                }
                _items[(_head + Count - 1) % _items.Length] = null;
                Count--;
                return true;
            }
        }
        return false;
    }

    private void Grow()
    {
        if (Count < _items.Length)
        {
            return;
        }
        var bigger = new EngineRequest?[_items.Length * 2];
        for (var i = 0; i < Count; i++)
        {
            bigger[i] = _items[(_head + i) % _items.Length];
        }
        _items = bigger;
        _head = 0;
    }
}
