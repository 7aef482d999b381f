using System.Net;
using LlmFleet.Gateway.Routing;
using LlmFleet.Gateway.Tests.Functional;
using LlmFleet.Testing.Chaos;

namespace LlmFleet.Gateway.Tests.Chaos;

/// <summary>One backend of three answers 200 ms late and resets 5 % of its requests' connections.</summary>
public sealed class DegradedBackendTests
{
    [Theory]
    [InlineData(BackendSelectionPolicies.LeastRequests)]
    [InlineData(BackendSelectionPolicies.PowerOfTwo)]
    public async Task SlowAndResetting_LoadAwarePolicy_MovesTrafficAway_NoClientErrors(string policy)
    {
        await using var proxied = await ProxiedFleet.StartAsync(new FleetBuilder().Twins(Enumerable.Repeat(FleetBuilder.TimedTwin(stepMs: 2), 3)).Policy(policy));
        var bad = proxied.Proxies[0];
        bad.Faults = new ProxyFaults { Latency = TimeSpan.FromMilliseconds(200), ResetProbability = 0.05 };
        var load = ClosedLoopLoad.Start(6, w => proxied.Fleet.PostChatAsync(TestFleet.ChatJson(content: $"worker {w}", maxTokens: 8)));
        await load.WaitForMoreAsync(300);
        var outcomes = await load.StopAsync();

        Assert.All(outcomes, o => Assert.Equal(HttpStatusCode.OK, o.Status));
        var share = await proxied.RequestsThroughAsync(bad) / outcomes.Count;
        // Even split would be a third.
        Assert.True(share < 0.2, $"{share:P0} of the requests went to the slow backend");
        TestContext.Current.TestOutputHelper?.WriteLine($"{policy}: {outcomes.Count} requests, 0 errors, {share:P1} to the degraded backend, {bad.Resets} resets");
    }
}
