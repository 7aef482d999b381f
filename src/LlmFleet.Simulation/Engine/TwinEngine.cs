using System.Collections.Concurrent;
using LlmFleet.Planning.Performance;
using LlmFleet.Simulation.Faults;
using LlmFleet.Simulation.Metrics;

namespace LlmFleet.Simulation.Engine;

/// <summary>
/// The twin's engine core: one loop that schedules a step, waits as long as the planner's performance model says
/// that step takes on the simulated hardware (divided by the speed, times the <c>slow</c> fault), then hands out
/// the step's tokens. Steps follow a virtual clock that only resynchronises after idle time, so the late wake-ups
/// of a loaded machine do not add up: over a run, tokens arrive when the model says they would.
/// </summary>
internal sealed class TwinEngine : IAsyncDisposable
{
    /// <summary>Lateness beyond which the virtual clock gives up catching up (the engine was idle, or starved).</summary>
    private static readonly TimeSpan ResyncAfter = TimeSpan.FromMilliseconds(250);

    private readonly Scheduler _scheduler;
    private readonly IStepTimeModel _stepTime;
    private readonly double _speed;
    private readonly TimeProvider _time;
    private readonly FaultState _faults;
    private readonly TwinMetrics _metrics;
    private readonly ConcurrentQueue<EngineRequest> _incoming = new();
    private readonly ConcurrentQueue<EngineRequest> _aborts = new();
    private readonly AsyncSignal _wake = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    public TwinEngine(Scheduler scheduler, IStepTimeModel stepTime, double speed, TimeProvider time, FaultState faults,
        TwinMetrics metrics)
    {
        _scheduler = scheduler;
        _stepTime = stepTime;
        _speed = speed;
        _time = time;
        _faults = faults;
        _metrics = metrics;
    }

    public void Start() => _loop = Task.Run(RunAsync);

    /// <summary>Queues a request; thread-safe. Its <see cref="EngineRequest.Signal"/> wakes the caller as tokens come.</summary>
    public void Submit(EngineRequest request)
    {
        request.ArrivalTimestamp = _time.GetTimestamp();
        _incoming.Enqueue(request);
        _wake.Set();
    }

    /// <summary>Stops work on a request (client gone); thread-safe. It finishes with <c>abort</c>.</summary>
    public void Abort(EngineRequest request)
    {
        if (!request.IsFinished)
        {
            _aborts.Enqueue(request);
            _wake.Set();
        }
    }

    private async Task RunAsync()
    {
        var batch = new StepBatch();
        var emitted = new List<EngineRequest>();
        var finished = new List<EngineRequest>();
        var clock = _time.GetTimestamp();
        while (!_stop.IsCancellationRequested)
        {
            Drain();
            if (!_scheduler.HasWork)
            {
                _metrics.SetSchedulerState(0, 0, _scheduler.Pool.Usage);
                await _wake.WaitAsync();
                clock = _time.GetTimestamp(); // idle time is not owed: the next step starts now
                continue;
            }
            _scheduler.Schedule(batch);
            if (batch.IsEmpty)
            {
                await _wake.WaitAsync(); // nothing fits now; a finished or aborted request frees room
                continue;
            }
            var stepStart = _time.GetTimestamp();
            foreach (var r in batch.Requests)
            {
                if (r.FirstScheduledTimestamp == 0)
                {
                    r.FirstScheduledTimestamp = stepStart;
                }
            }
            clock = await WaitForStepAsync(batch, clock);

            emitted.Clear();
            finished.Clear();
            _scheduler.Complete(batch, emitted, finished);
            var now = _time.GetTimestamp();
            foreach (var r in emitted)
            {
                if (r.NumOutput == 1)
                {
                    r.FirstTokenTimestamp = now;
                }
            }
            _metrics.RecordStep(batch, emitted, finished, now, _time);
            foreach (var r in emitted)
            {
                r.LastTokenTimestamp = now;
                r.Publish();
            }
            foreach (var r in finished)
            {
                r.Finish(r.PlannedFinish);
            }
            _metrics.SetSchedulerState(_scheduler.RunningCount, _scheduler.WaitingCount, _scheduler.Pool.Usage);
        }
    }

    /// <summary>Waits out the step's modelled duration; returns the virtual clock at the step's end.</summary>
    private async ValueTask<long> WaitForStepAsync(StepBatch batch, long clock)
    {
        if (_speed <= 0)
        {
            await Task.Yield(); // no waiting at all, but let request handlers run between steps
            return _time.GetTimestamp();
        }
        var modelled = _stepTime.StepTime(batch.PrefillTokens, batch.DecodeSequences, batch.DecodeContextTokens);
        var seconds = modelled.TotalSeconds * _faults.Current.Slow / _speed;
        var now = _time.GetTimestamp();
        var start = _time.GetElapsedTime(clock, now) > ResyncAfter ? now : clock;
        var end = start + (long)(seconds * _time.TimestampFrequency);
        if (end > now)
        {
            try
            {
                await Task.Delay(_time.GetElapsedTime(now, end), _time, _stop.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }
        return end;
    }

    private void Drain()
    {
        while (_incoming.TryDequeue(out var r))
        {
            _scheduler.Add(r);
        }
        while (_aborts.TryDequeue(out var r))
        {
            if (_scheduler.Abort(r))
            {
                // Not counted in the metrics: vLLM's output processor drops an aborted request's stats.
                r.Finish(EngineFinishReason.Abort);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _wake.Set();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }
        // Anything still queued or running ends as aborted, so no response writer waits forever.
        while (_incoming.TryDequeue(out var r))
        {
            _scheduler.Add(r);
        }
        foreach (var r in _scheduler.DrainAll())
        {
            r.Finish(EngineFinishReason.Abort);
        }
        _stop.Dispose();
    }
}
