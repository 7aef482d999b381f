using LlmFleet.Gateway.Configuration;
using LlmFleet.Gateway.Model;

namespace LlmFleet.Gateway.Routing;

/// <summary>
/// The immutable routing view of one <see cref="FleetConfig"/>: model names and aliases to pools. Requests look up
/// the <c>model</c> they sent without allocating a string (alternate lookup by characters).
/// </summary>
public sealed class RoutingTable
{
    private readonly Dictionary<string, ModelPool> _byName;
    private readonly Dictionary<string, ModelPool>.AlternateLookup<ReadOnlySpan<char>> _bySpan;

    private RoutingTable(FleetConfig config, IReadOnlyList<ModelPool> pools, Dictionary<string, ModelPool> byName, DateTimeOffset loadedAt)
    {
        Config = config;
        Pools = pools;
        _byName = byName;
        _bySpan = byName.GetAlternateLookup<ReadOnlySpan<char>>();
        LoadedAt = loadedAt;
        Backends = pools.SelectMany(p => p.Backends).Select(b => b.State).Distinct().ToArray();
        DefaultPool = config.DefaultModel is { } name ? byName.GetValueOrDefault(name) : pools.Count == 1 ? pools[0] : null;
    }

    /// <summary>Where a request without <c>model</c> goes: <c>default_model</c>, else the only model; null when neither.</summary>
    public ModelPool? DefaultPool { get; }

    public FleetConfig Config { get; }

    public IReadOnlyList<ModelPool> Pools { get; }

    /// <summary>Every distinct backend of every pool (a URL listed by two models appears once).</summary>
    public IReadOnlyList<BackendState> Backends { get; }

    public DateTimeOffset LoadedAt { get; }

    /// <summary>Every name clients may send, canonical names first.</summary>
    public IEnumerable<string> ModelNames => Pools.Select(p => p.Name).Concat(Pools.SelectMany(p => p.Config.Aliases));

    public bool TryGetPool(ReadOnlySpan<char> model, out ModelPool pool) => _bySpan.TryGetValue(model, out pool!);

    public bool TryGetPool(string model, out ModelPool pool) => _byName.TryGetValue(model, out pool!);

    /// <summary>
    /// Builds the table for <paramref name="config"/>, reusing the runtime state of backends that <paramref name="previous"/>
    /// already had (same URL), so a reload keeps in-flight counts, health and ejections.
    /// </summary>
    public static RoutingTable Build(FleetConfig config, RoutingTable? previous, Random random, DateTimeOffset now)
    {
        var states = new Dictionary<string, BackendState>(StringComparer.OrdinalIgnoreCase);
        foreach (var s in previous?.Backends ?? [])
        {
            states[s.Prefix] = s;
        }
        var pools = new List<ModelPool>();
        var byName = new Dictionary<string, ModelPool>(StringComparer.Ordinal);
        foreach (var m in config.Models)
        {
            var backends = new List<PoolBackend>();
            foreach (var b in m.Backends)
            {
                var key = b.Url.GetLeftPart(UriPartial.Authority);
                if (!states.TryGetValue(key, out var state))
                {
                    states[key] = state = new BackendState(b.Url);
                }
                backends.Add(new PoolBackend(b, state, backends.Count));
            }
            var pool = new ModelPool(m, backends, random);
            pools.Add(pool);
            foreach (var name in m.Aliases.Prepend(m.Name))
            {
                byName[name] = pool;
            }
        }
        foreach (var pool in pools)
        {
            pool.Fallbacks = pool.Config.Fallbacks.Select(f => byName[f]).ToArray();
        }
        return new RoutingTable(config, pools, byName, now);
    }
}
