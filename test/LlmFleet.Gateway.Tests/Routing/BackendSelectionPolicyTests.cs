using LlmFleet.Gateway.Model;
using LlmFleet.Gateway.Routing;

namespace LlmFleet.Gateway.Tests.Routing;

public sealed class BackendSelectionPolicyTests
{
    [Fact]
    public void RoundRobin_IdlePool_VisitsEachBackendInTurn()
    {
        var pool = new PolicyTestPool(BackendSelectionPolicies.RoundRobin, 3);
        Assert.Equal([0, 1, 2, 0, 1, 2], Enumerable.Range(0, 6).Select(_ => pool.Pick()));
    }

    [Fact]
    public void LeastRequests_UnevenInFlight_PicksTheFewest()
    {
        var pool = new PolicyTestPool(BackendSelectionPolicies.LeastRequests, 3);
        pool.SetInFlight(0, 5);
        pool.SetInFlight(1, 1);
        pool.SetInFlight(2, 3);
        Assert.All(Enumerable.Range(0, 10), _ => Assert.Equal(1, pool.Pick()));
    }

    [Fact]
    public void PowerOfTwo_TwoBackends_AlwaysTheLessBusy()
    {
        var pool = new PolicyTestPool(BackendSelectionPolicies.PowerOfTwo, 2);
        pool.SetInFlight(0, 4);
        Assert.All(Enumerable.Range(0, 20), _ => Assert.Equal(1, pool.Pick()));
    }

    [Fact]
    public void PowerOfTwo_ManyBackends_NeverPicksTheBusiest()
    {
        var pool = new PolicyTestPool(BackendSelectionPolicies.PowerOfTwo, 4);
        pool.SetInFlight(2, 100);
        Assert.DoesNotContain(2, Enumerable.Range(0, 200).Select(_ => pool.Pick()));
    }

    [Fact]
    public void LeastLoad_ScrapedQueue_SteersAwayEvenWithoutInFlight()
    {
        var pool = new PolicyTestPool(BackendSelectionPolicies.LeastLoad, 3);
        pool[0].Load = new BackendLoad(Running: 40, Waiting: 12, KvCacheUsage: 0.9, DateTimeOffset.UnixEpoch);
        pool[1].Load = new BackendLoad(Running: 2, Waiting: 0, KvCacheUsage: 0.1, DateTimeOffset.UnixEpoch);
        pool[2].Load = new BackendLoad(Running: 8, Waiting: 0, KvCacheUsage: 0.3, DateTimeOffset.UnixEpoch);
        Assert.All(Enumerable.Range(0, 10), _ => Assert.Equal(1, pool.Pick()));
    }

    [Fact]
    public void LeastLoad_IdlePool_SpreadsTies()
    {
        var pool = new PolicyTestPool(BackendSelectionPolicies.LeastLoad, 3);
        Assert.Equal(3, Enumerable.Range(0, 3).Select(_ => pool.Pick()).Distinct().Count());
    }

    [Fact]
    public void PrefixAffinity_SameKey_SameBackendEveryTime()
    {
        var pool = new PolicyTestPool(BackendSelectionPolicies.PrefixAffinity, 3);
        var first = pool.Pick(0xDEADBEEF);
        Assert.All(Enumerable.Range(0, 20), _ => Assert.Equal(first, pool.Pick(0xDEADBEEF)));
    }

    [Fact]
    public void PrefixAffinity_ManyKeys_SpreadOverAllBackends()
    {
        var pool = new PolicyTestPool(BackendSelectionPolicies.PrefixAffinity, 3);
        var random = new Random(7);
        var counts = Enumerable.Range(0, 3000).Select(_ => pool.Pick((ulong)random.NextInt64())).GroupBy(i => i).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(3, counts.Count);
        Assert.All(counts.Values, c => Assert.InRange(c, 700, 1300));
    }

    [Fact]
    public void PrefixAffinity_HomeOverloaded_FallsBackToLeastLoaded()
    {
        var pool = new PolicyTestPool(BackendSelectionPolicies.PrefixAffinity, 3);
        const ulong key = 42;
        var home = pool.Pick(key);
        pool.SetInFlight(home, 30);
        var other = (home + 1) % 3;
        pool.SetInFlight(other, 2);
        var expected = 3 - home - other;
        Assert.Equal(expected, pool.Pick(key));
    }

    [Fact]
    public void PrefixAffinity_HomeEjected_MovesOnlyItsKeys()
    {
        var pool = new PolicyTestPool(BackendSelectionPolicies.PrefixAffinity, 3);
        var keys = Enumerable.Range(0, 300).Select(i => (ulong)i * 0x9E3779B97F4A7C15UL).ToArray();
        var before = keys.Select(k => pool.Pick(k)).ToArray();
        pool[0].Health = BackendHealth.Unhealthy;
        var after = keys.Select(k => pool.Pick(k)).ToArray();
        for (var i = 0; i < keys.Length; i++)
        {
            if (before[i] != 0)
            {
                Assert.Equal(before[i], after[i]);
            }
            Assert.NotEqual(0, after[i]);
        }
    }

    [Fact]
    public void Get_EveryName_ReturnsPolicyOfThatName()
    {
        foreach (var name in BackendSelectionPolicies.All)
        {
            Assert.Equal(name, BackendSelectionPolicies.Get(name).Name);
        }
    }
}
