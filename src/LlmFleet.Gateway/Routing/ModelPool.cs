using LlmFleet.Gateway.Configuration;
using LlmFleet.Gateway.Model;
using Yarp.ReverseProxy.Forwarder;

namespace LlmFleet.Gateway.Routing;

/// <summary>One configured model at runtime: its backends, its policy and the policy's per-pool state. Rebuilt on
/// reload; the backends' <see cref="BackendState"/> carry over.</summary>
public sealed class ModelPool
{
    private readonly Lazy<HashRing> _ring;
    private int _roundRobin = -1;

    public ModelPool(ModelConfig config, IReadOnlyList<PoolBackend> backends, Random random)
    {
        Config = config;
        Backends = backends;
        Policy = BackendSelectionPolicies.Get(config.Policy);
        Random = random;
        _ring = new Lazy<HashRing>(() => new HashRing(Backends));
        // vLLM's server speaks HTTP/1.1; the activity timeout bounds the wait for response headers (first token of a
        // non-streamed answer) and is the backstop between body reads, which the stream guard bounds more tightly.
        ForwarderConfig = new ForwarderRequestConfig
        {
            ActivityTimeout = config.Timeouts.FirstToken,
            Version = System.Net.HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };
    }

    internal ForwarderRequestConfig ForwarderConfig { get; }

    public ModelConfig Config { get; }

    public string Name => Config.Name;

    public IReadOnlyList<PoolBackend> Backends { get; }

    public IBackendSelectionPolicy Policy { get; }

    /// <summary>The pools of <see cref="ModelConfig.Fallbacks"/>, in order; set when the routing table is built.</summary>
    public IReadOnlyList<ModelPool> Fallbacks { get; internal set; } = [];

    /// <summary>Randomness for the policies (injected, seeded in tests); must be thread-safe (<see cref="Random.Shared"/>).</summary>
    internal Random Random { get; }

    internal HashRing Ring => _ring.Value;

    internal int NextRoundRobin() => Interlocked.Increment(ref _roundRobin);
}
