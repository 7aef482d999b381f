using System.IO.Hashing;
using System.Text;

namespace LlmFleet.Gateway.Routing;

/// <summary>
/// A consistent-hash ring over a pool's backends, <see cref="VirtualNodes"/> points each, placed by hashing the
/// backend's URL, so adding or removing one backend moves only the keys next to its points, and every gateway
/// replica (and every reload) maps a key to the same backend.
/// </summary>
internal sealed class HashRing
{
    public const int VirtualNodes = 160;

    private readonly ulong[] _points;
    private readonly int[] _owners;

    public HashRing(IReadOnlyList<PoolBackend> backends)
    {
        var points = new List<(ulong Point, int Owner)>(backends.Count * VirtualNodes);
        foreach (var b in backends)
        {
            for (var v = 0; v < VirtualNodes; v++)
            {
                points.Add((XxHash3.HashToUInt64(Encoding.UTF8.GetBytes($"{b.State.Prefix}#{v}")), b.Index));
            }
        }
        points.Sort((x, y) => x.Point.CompareTo(y.Point));
        _points = points.Select(p => p.Point).ToArray();
        _owners = points.Select(p => p.Owner).ToArray();
    }

    /// <summary>
    /// The first backend clockwise from <paramref name="key"/> whose index is in <paramref name="allowed"/>
    /// (a bit mask); -1 when none is.
    /// </summary>
    public int Owner(ulong key, ulong allowed)
    {
        if (_points.Length == 0 || allowed == 0)
        {
            return -1;
        }
        var i = Array.BinarySearch(_points, key);
        if (i < 0)
        {
            i = ~i;
        }
        for (var n = 0; n < _points.Length; n++)
        {
            var owner = _owners[(i + n) % _points.Length];
            if ((allowed & (1UL << owner)) != 0)
            {
                return owner;
            }
        }
        return -1;
    }
}
