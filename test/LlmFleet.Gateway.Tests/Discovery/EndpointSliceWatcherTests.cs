using LlmFleet.Gateway.Discovery;

namespace LlmFleet.Gateway.Tests.Discovery;

public sealed class EndpointSliceWatcherTests
{
    [Fact]
    public async Task Run_RecordedListsAndWatches_FollowsReadyEndpointsRelistsAfterBrokenWatchesAndKeepsTheLastSetWhenUnreachable()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var api = await FakeApiServer.StartAsync();
        api.EnqueueList("list-1.json");
        api.EnqueueWatch("watch-1.jsonl", WatchEnd.Abort);
        api.EnqueueList("list-2.json");
        api.EnqueueWatch("watch-2.jsonl", WatchEnd.Complete);
        using var client = new HttpClient { BaseAddress = api.BaseAddress };
        var watcher = new EndpointSliceWatcher(client, "llm", "vllm-glm-5-2", 8000, TimeProvider.System);
        var history = new List<string>();
        watcher.Changed += set =>
        {
            lock (history)
            {
                history.Add(string.Join(" ", set.Select(u => u.Host)));
            }
        };
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var run = watcher.RunAsync(stop.Token);

        // The first watch's three events (a bookmark, two changes), then its connection drops. The drop waits until
        // the events were seen: a reset connection may lose what the client had not read yet.
        api.Step.Release(3);
        await WaitUntilAsync(() => Count(history) == 3, "the first watch's changes");
        api.Step.Release(1);
        // The second watch: a deletion, a 410 Gone error, its end.
        api.Step.Release(3);

        // Both recorded lists served, then at least two re-lists that found the server gone.
        await WaitUntilAsync(() => api.ListRequests >= 4, "re-lists against the unreachable server");
        await stop.CancelAsync();
        await run;

        Assert.Equal(
        [
            "10.244.1.17 10.244.2.9",              // list 1: the third pod is not ready yet
            "10.244.1.17 10.244.2.9 10.244.3.4",   // watch: it turns ready
            "10.244.1.17 10.244.3.4",              // watch: the second starts terminating (still serving, yet out)
            "10.244.1.17 10.244.3.4 10.244.4.2",   // broken watch, re-list: a new pod in a second slice
            "10.244.1.17 10.244.3.4",              // watch: that slice is deleted; then 410 Gone
        ], history);
        // The API server is gone: the last known set stays.
        Assert.Equal(["http://10.244.1.17:8000/", "http://10.244.3.4:8000/"], watcher.Endpoints.Select(u => u.ToString()));
        Assert.Equal(2, watcher.Lists);
        Assert.Equal(2, api.WatchRequests);
        Assert.Contains("labelSelector=kubernetes.io%2Fservice-name%3Dvllm-glm-5-2", api.LastQuery);
    }

    private static int Count(List<string> history)
    {
        lock (history)
        {
            return history.Count;
        }
    }

    internal static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"timed out waiting for {what}");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}
