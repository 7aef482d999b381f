namespace LlmFleet.Monitoring.Alerts;

/// <summary>
/// One alert rule, evaluated per backend over the fleet state, and exported as the same rule in PromQL for teams
/// that alert from their own Prometheus (<c>llmfleet alerts export</c>).
/// </summary>
/// <param name="Name">snake_case, the key in <c>monitoring.alerts</c> and the <c>alertname</c> label (as CamelCase).</param>
/// <param name="Severity"><c>warning</c> or <c>critical</c>.</param>
/// <param name="Summary">What it means, for people.</param>
/// <param name="Source">Where the default threshold comes from.</param>
/// <param name="Check">Evidence (e.g. "KV cache 0.97 &gt; 0.9") when the condition holds, else null.</param>
/// <param name="PromQl">The condition in PromQL, for a threshold.</param>
public sealed record AlertRule(
    string Name,
    string Severity,
    string Summary,
    AlertRuleSettings Defaults,
    string Source,
    Func<BackendView, double, string?> Check,
    Func<double, string> PromQl)
{
    /// <summary><c>kv_cache_pressure</c> → <c>LlmFleetKvCachePressure</c>, the Prometheus alert name.</summary>
    public string AlertName => "LlmFleet" + string.Concat(Name.Split('_').Select(w => char.ToUpperInvariant(w[0]) + w[1..]));
}
