namespace LlmFleet.Monitoring;

/// <summary>
/// The <c>monitoring:</c> section of <c>fleet.yaml</c>: the window rates and percentiles are computed over, GPU and
/// host exporters per backend, and the alert rules' thresholds and where firing alerts are sent.
/// </summary>
public sealed record MonitoringConfig
{
    /// <summary>Rates (tokens/s, requests/s, errors) and TTFT/inter-token percentiles are taken over this trailing
    /// window of scrapes. Default 60 s, as the <c>rate(...[1m])</c> of vLLM's example Grafana dashboard.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How often alert rules are evaluated. Default 5 s.</summary>
    public TimeSpan EvaluationInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How often DCGM and node exporters are scraped. Default 5 s (DCGM exporter's own collection interval
    /// is 30 s by default; 5 s keeps the dashboard lively without loading it).</summary>
    public TimeSpan ExporterInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>GPU and host exporters, by the backend they sit next to.</summary>
    public IReadOnlyList<ExporterConfig> Exporters { get; init; } = [];

    /// <summary>Receives every alert that starts firing or resolves, as JSON (POST). Null: log only.</summary>
    public Uri? WebhookUrl { get; init; }

    /// <summary>Whether <c>/admin/fleet</c>, <c>/admin/alerts</c> and the dashboard's data are open to anyone who
    /// reaches the gateway (they list every backend's address). Default false: they need the admin key.</summary>
    public bool PublicRead { get; init; }

    /// <summary>Per rule overrides (by rule name); rules not listed keep their published defaults.</summary>
    public IReadOnlyDictionary<string, AlertRuleSettings> Alerts { get; init; } = new Dictionary<string, AlertRuleSettings>();

    /// <summary>The settings in force for a rule: the override or the rule's default.</summary>
    public AlertRuleSettings SettingsFor(Alerts.AlertRule rule) =>
        Alerts.TryGetValue(rule.Name, out var s) ? s : rule.Defaults;
}

/// <summary>Exporters on the host of one backend.</summary>
/// <param name="Backend">The backend's URL as listed under a model (scheme, host, port).</param>
/// <param name="Dcgm">NVIDIA DCGM exporter's metrics URL, e.g. <c>http://10.0.0.11:9400/metrics</c>.</param>
/// <param name="Node">Prometheus node exporter's metrics URL, e.g. <c>http://10.0.0.11:9100/metrics</c>.</param>
public sealed record ExporterConfig(Uri Backend, Uri? Dcgm, Uri? Node);

/// <summary>One alert rule's threshold and how long its condition must hold before it fires.</summary>
public sealed record AlertRuleSettings(double Threshold, TimeSpan For, bool Enabled = true);
