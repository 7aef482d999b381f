using System.Diagnostics;
using System.Net;

namespace LlmFleet.Gateway.Tests.Chaos;

/// <summary>
/// Closed-loop load on a gateway: <c>workers</c> clients, each sending its next request when the last one ended, until
/// stopped. Every outcome is kept (status, when it started, how long it took), so a test can count what clients saw
/// during a fault. A request the client could not complete at all counts as status 0.
/// </summary>
internal sealed class ClosedLoopLoad
{
    private readonly List<Outcome> _outcomes = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Task _run;

    private ClosedLoopLoad(int workers, Func<int, Task<HttpResponseMessage>> send)
    {
        _run = Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(() => WorkAsync(w, send))));
    }

    public readonly record struct Outcome(HttpStatusCode Status, TimeSpan Start, TimeSpan Latency, string Error);

    /// <summary>Starts <paramref name="workers"/> loops of <paramref name="send"/> (given the worker's number).</summary>
    public static ClosedLoopLoad Start(int workers, Func<int, Task<HttpResponseMessage>> send) => new(workers, send);

    /// <summary>Time since the load started (the clock of <see cref="Outcome.Start"/>).</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    public int Completed
    {
        get
        {
            lock (_outcomes)
            {
                return _outcomes.Count;
            }
        }
    }

    /// <summary>Waits until <paramref name="count"/> more requests have completed.</summary>
    public Task WaitForMoreAsync(int count)
    {
        var target = Completed + count;
        return Poll.UntilAsync(() => Task.FromResult(Completed >= target), TimeSpan.FromSeconds(60), $"{count} more requests");
    }

    /// <summary>Stops sending, waits for the requests in flight, returns every outcome.</summary>
    public async Task<IReadOnlyList<Outcome>> StopAsync()
    {
        await _stop.CancelAsync();
        await _run;
        lock (_outcomes)
        {
            return [.. _outcomes];
        }
    }

    private async Task WorkAsync(int worker, Func<int, Task<HttpResponseMessage>> send)
    {
        while (!_stop.IsCancellationRequested)
        {
            var start = _clock.Elapsed;
            Outcome outcome;
            try
            {
                using var response = await send(worker);
                var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
                outcome = new(response.StatusCode, start, _clock.Elapsed - start, response.IsSuccessStatusCode ? "" : body);
            }
            catch (HttpRequestException e)
            {
                outcome = new(0, start, _clock.Elapsed - start, e.Message);
            }
            lock (_outcomes)
            {
                _outcomes.Add(outcome);
            }
        }
    }
}
