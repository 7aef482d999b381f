using Microsoft.Extensions.Hosting;

namespace LlmFleet.Monitoring.Alerts;

/// <summary>
/// Evaluates every enabled rule on every backend each <c>monitoring.evaluation_interval</c>, the way Prometheus
/// does: a condition becomes pending, fires once it held for the rule's <c>for</c>, and resolves at the first
/// evaluation where it no longer holds. Transitions go to every <see cref="IAlertSink"/>.
/// </summary>
public sealed class AlertEvaluator(IFleetSource fleet, FleetMonitor monitor, IEnumerable<IAlertSink> sinks, TimeProvider time) : BackgroundService
{
    private const int ResolvedKept = 50;

    private readonly IAlertSink[] _sinks = sinks.ToArray();
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Rule, string Backend), Pending> _pending = [];
    private readonly Dictionary<(string Rule, string Backend), AlertView> _firing = [];
    private readonly LinkedList<AlertView> _resolved = new();

    private sealed record Pending(DateTimeOffset Since);

    public AlertsReport Report()
    {
        lock (_gate)
        {
            return new AlertsReport(
                [.. _firing.Values.OrderBy(a => a.StartsAt).ThenBy(a => a.BackendId)],
                [.. _resolved]);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                Evaluate(monitor.Snapshot());
                await Task.Delay(fleet.Current.Settings.EvaluationInterval, time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One evaluation over <paramref name="snapshot"/>; public so tests can step it with a fake clock.</summary>
    public void Evaluate(FleetSnapshot snapshot)
    {
        var config = fleet.Current.Settings;
        var now = snapshot.TakenAt;
        var transitions = new List<AlertView>();
        lock (_gate)
        {
            var seen = new HashSet<(string, string)>();
            foreach (var rule in AlertRules.All)
            {
                var settings = config.SettingsFor(rule);
                foreach (var backend in snapshot.AllBackends())
                {
                    var key = (rule.Name, backend.Name);
                    // A drained backend is in a planned restart window: do not page for it.
                    var evidence = settings.Enabled && !backend.Draining ? rule.Check(backend, settings.Threshold) : null;
                    if (evidence is null)
                    {
                        continue;
                    }
                    seen.Add(key);
                    if (_firing.TryGetValue(key, out var firing))
                    {
                        _firing[key] = firing with { Evidence = evidence };
                        continue;
                    }
                    if (!_pending.TryGetValue(key, out var pending))
                    {
                        _pending[key] = pending = new Pending(now);
                    }
                    if (now - pending.Since >= settings.For)
                    {
                        var alert = new AlertView(rule.Name, rule.AlertName, rule.Severity, "firing", backend.Id, backend.Name, rule.Summary,
                            evidence, settings.Threshold, now, null);
                        _firing[key] = alert;
                        _pending.Remove(key);
                        transitions.Add(alert);
                    }
                }
            }
            foreach (var key in _pending.Keys.Where(k => !seen.Contains(k)).ToArray())
            {
                _pending.Remove(key);
            }
            foreach (var (key, alert) in _firing.Where(f => !seen.Contains(f.Key)).ToArray())
            {
                _firing.Remove(key);
                var resolved = alert with { Status = "resolved", EndsAt = now };
                _resolved.AddFirst(resolved);
                if (_resolved.Count > ResolvedKept)
                {
                    _resolved.RemoveLast();
                }
                transitions.Add(resolved);
            }
        }
        foreach (var alert in transitions)
        {
            foreach (var sink in _sinks)
            {
                sink.Notify(alert);
            }
        }
    }
}
