using System.Globalization;
using System.Text;
using LlmFleet.Monitoring.Alerts;

namespace LlmFleet.Monitoring.Export;

/// <summary>
/// The gateway's alert rules as a Prometheus rules file (<c>groups:</c> → <c>rules:</c> with <c>alert</c>,
/// <c>expr</c>, <c>for</c>, <c>labels</c>, <c>annotations</c>), for teams whose Prometheus scrapes vLLM, DCGM and the
/// gateway itself. Same names, thresholds and <c>for</c> as evaluated in the gateway; <c>promtool check rules</c> accepts it.
/// </summary>
public static class PrometheusRulesFile
{
    public const string FileName = "llmfleet-alerts.rules.yml";

    public static string Write(MonitoringConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var sb = new StringBuilder();
        sb.Append("# LLM Fleet alert rules, written by `llmfleet alerts export`. The same rules run inside the gateway\n")
          .Append("# (GET /admin/alerts); thresholds from fleet.yaml's monitoring.alerts, defaults from published practice.\n")
          .Append("# vLLM targets are assumed under job=\"vllm\"; DCGM exporter under its default metric names.\n")
          .Append("groups:\n")
          .Append("  - name: llmfleet\n")
          .Append("    rules:\n");
        foreach (var rule in AlertRules.All)
        {
            var settings = config.SettingsFor(rule);
            if (!settings.Enabled)
            {
                continue;
            }
            sb.Append("      - alert: ").Append(rule.AlertName).Append('\n')
              .Append("        expr: ").Append(Quote(rule.PromQl(settings.Threshold))).Append('\n')
              .Append("        for: ").Append(Duration(settings.For)).Append('\n')
              .Append("        labels:\n")
              .Append("          severity: ").Append(rule.Severity).Append('\n')
              .Append("        annotations:\n")
              .Append("          summary: ").Append(Quote(rule.Summary)).Append('\n')
              .Append("          description: ").Append(Quote($"{rule.Summary} ({{{{ $labels.instance }}}}{{{{ $labels.backend }}}}: value {{{{ $value }}}}). Default from: {rule.Source}.")).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>Prometheus' duration syntax: <c>1m</c>, <c>30s</c>, <c>1500ms</c>, <c>0s</c>.</summary>
    public static string Duration(TimeSpan value)
    {
        var c = CultureInfo.InvariantCulture;
        if (value.Ticks % TimeSpan.TicksPerMinute == 0 && value > TimeSpan.Zero)
        {
            return ((long)value.TotalMinutes).ToString(c) + "m";
        }
        return value.Ticks % TimeSpan.TicksPerSecond == 0
            ? ((long)value.TotalSeconds).ToString(c) + "s"
            : ((long)value.TotalMilliseconds).ToString(c) + "ms";
    }

    /// <summary>A YAML single-quoted scalar: PromQL's double quotes and braces need no escaping inside.</summary>
    private static string Quote(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";
}
