using System.Net;
using LlmFleet.Gateway.Tests.Functional;
using LlmFleet.Testing.Chaos;

namespace LlmFleet.Gateway.Tests.Chaos;

/// <summary>One backend of three cut off by a network partition while clients keep the gateway busy.</summary>
public sealed class PartitionTests
{
    private static readonly TimeSpan FirstByteTimeout = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task HangingPartition_OfOneBackendOfThree_NoClientErrors_EjectedThenBackAfterHeal()
    {
        await using var proxied = await ProxiedFleet.StartAsync(new FleetBuilder().Twins(Enumerable.Repeat(FleetBuilder.TimedTwin(stepMs: 5), 3)),
            m => m with { Timeouts = m.Timeouts with { FirstToken = FirstByteTimeout } });
        var fleet = proxied.Fleet;
        var cut = proxied.Proxies[1];
        var load = ClosedLoopLoad.Start(9, w => fleet.PostChatAsync(TestFleet.ChatJson(content: $"worker {w}", maxTokens: 24)));
        await load.WaitForMoreAsync(30);

        cut.Faults = new ProxyFaults { Partition = PartitionMode.Hang };
        var cutAt = load.Elapsed;
        await Poll.UntilAsync(() => Task.FromResult(!Backend(fleet, cut).IsAvailable), RunningFleet.Patience, "the partitioned backend to be taken out");
        var takenOutAfter = load.Elapsed - cutAt;
        await load.WaitForMoreAsync(60); // traffic flows on the other two

        cut.Faults = ProxyFaults.None;
        var healedAt = load.Elapsed;
        await Poll.UntilAsync(() => Task.FromResult(Backend(fleet, cut).IsAvailable), RunningFleet.Patience, "the backend to come back after the heal");
        var backAfter = load.Elapsed - healedAt;
        var before = await proxied.RequestsThroughAsync(cut);
        await load.WaitForMoreAsync(60);
        var outcomes = await load.StopAsync();

        var failed = outcomes.Where(o => o.Status != HttpStatusCode.OK).ToList();
        Assert.True(failed.Count == 0, $"{failed.Count} of {outcomes.Count} failed: {string.Join("; ", failed.Take(3).Select(f => $"{(int)f.Status} {f.Error}"))}");
        // Requests caught on the cut backend waited out the first-byte timeout, then went to another backend.
        var slowest = outcomes.Where(o => o.Start >= cutAt && o.Start < healedAt).Max(o => o.Latency);
        Assert.True(slowest < FirstByteTimeout + TimeSpan.FromSeconds(10), $"slowest request during the partition took {slowest.TotalSeconds:0.0} s");
        Assert.True(await proxied.RequestsThroughAsync(cut) > before, "the healed backend takes requests again");
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"partition: {outcomes.Count} requests, 0 errors; slowest during partition {slowest.TotalSeconds:0.00} s; taken out after {takenOutAfter.TotalSeconds:0.00} s; back {backAfter.TotalSeconds:0.00} s after heal");
    }

    [Fact]
    public async Task RefusingPartition_OfOneBackendOfThree_NoClientErrors()
    {
        await using var proxied = await ProxiedFleet.StartAsync(new FleetBuilder().Twins(Enumerable.Repeat(FleetBuilder.TimedTwin(stepMs: 5), 3)));
        var fleet = proxied.Fleet;
        var cut = proxied.Proxies[2];
        var load = ClosedLoopLoad.Start(9, w => fleet.PostChatAsync(TestFleet.ChatJson(content: $"worker {w}", maxTokens: 24)));
        await load.WaitForMoreAsync(30);
        cut.Faults = new ProxyFaults { Partition = PartitionMode.Refuse };
        await Poll.UntilAsync(() => Task.FromResult(!Backend(fleet, cut).IsAvailable), RunningFleet.Patience, "the refusing backend to be taken out");
        await load.WaitForMoreAsync(60);
        cut.Faults = ProxyFaults.None;
        await Poll.UntilAsync(() => Task.FromResult(Backend(fleet, cut).IsAvailable), RunningFleet.Patience, "the backend to come back");
        var outcomes = await load.StopAsync();

        var failed = outcomes.Where(o => o.Status != HttpStatusCode.OK).ToList();
        Assert.True(failed.Count == 0, $"{failed.Count} of {outcomes.Count} failed: {string.Join("; ", failed.Take(3).Select(f => $"{(int)f.Status} {f.Error}"))}");
        Assert.True(cut.Resets > 0, "the partition reset the open connections");
    }

    private static Gateway.Model.BackendState Backend(RunningFleet fleet, FaultProxy proxy) =>
        fleet.Gateway.State.Current.Backends.Single(b => b.Name == proxy.BaseAddress.Authority);
}
