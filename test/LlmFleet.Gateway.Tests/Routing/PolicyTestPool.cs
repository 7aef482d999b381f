using LlmFleet.Gateway.Configuration;
using LlmFleet.Gateway.Model;
using LlmFleet.Gateway.Requests;
using LlmFleet.Gateway.Routing;

namespace LlmFleet.Gateway.Tests.Routing;

/// <summary>A pool of <c>n</c> backends with state a test sets directly (in-flight counts, scraped gauges).</summary>
internal sealed class PolicyTestPool
{
    public PolicyTestPool(string policy, int backends, int seed = 1)
    {
        var config = new ModelConfig
        {
            Name = "m",
            Policy = policy,
            Backends = Enumerable.Range(0, backends).Select(i => new BackendConfig { Url = new Uri($"http://10.0.0.{i + 1}:8000") }).ToArray(),
        };
        Pool = RoutingTable.Build(new FleetConfig { Models = [config] }, null, new Random(seed), DateTimeOffset.UnixEpoch).Pools[0];
    }

    public ModelPool Pool { get; }

    public BackendState this[int i] => Pool.Backends[i].State;

    public void SetInFlight(int backend, int count)
    {
        while (this[backend].InFlight < count)
        {
            this[backend].Begin();
        }
        while (this[backend].InFlight > count)
        {
            this[backend].End();
        }
    }

    public int Pick(ulong? affinityKey = null)
    {
        var request = new GatewayRequest(Pool, new PooledBody(new byte[1], 1), default, 0) { AffinityKey = affinityKey };
        var available = Pool.Backends.Where(b => b.State.IsAvailable).ToArray();
        return Pool.Policy.Pick(request, Pool, available).Index;
    }
}
