using LlmFleet.Monitoring;
using LlmFleet.Monitoring.Alerts;

namespace LlmFleet.Gateway.Configuration;

/// <summary>Validates the <c>monitoring:</c> section; every problem is added to <c>errors</c> with its place.</summary>
public static class MonitoringConfigParser
{
    /// <param name="backends">Every backend URL listed under <c>models</c>: exporters must name one of them.</param>
    public static MonitoringConfig Parse(MonitoringYaml? yaml, IEnumerable<Uri> backends, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var defaults = new MonitoringConfig();
        if (yaml is null)
        {
            return defaults;
        }
        var listed = backends.Select(b => b.GetLeftPart(UriPartial.Authority)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var exporters = new List<ExporterConfig>();
        for (var i = 0; i < (yaml.Exporters?.Count ?? 0); i++)
        {
            var e = yaml.Exporters![i];
            var at = $"monitoring.exporters[{i}]";
            var backend = Url(e.Backend, $"{at}.backend", errors);
            if (backend is not null && !listed.Contains(backend.GetLeftPart(UriPartial.Authority)))
            {
                errors.Add($"{at}.backend: '{e.Backend}' is not a backend of any model");
            }
            var dcgm = e.Dcgm is null ? null : Url(e.Dcgm, $"{at}.dcgm", errors);
            var node = e.Node is null ? null : Url(e.Node, $"{at}.node", errors);
            if (backend is not null)
            {
                exporters.Add(new ExporterConfig(backend, dcgm, node));
            }
        }
        var alerts = new Dictionary<string, AlertRuleSettings>(StringComparer.Ordinal);
        foreach (var (name, rule) in yaml.Alerts ?? [])
        {
            if (AlertRules.Find(name) is not { } known)
            {
                errors.Add($"monitoring.alerts.{name}: unknown rule (one of {string.Join(", ", AlertRules.All.Select(r => r.Name))})");
                continue;
            }
            alerts[name] = new AlertRuleSettings(
                rule.Threshold ?? known.Defaults.Threshold,
                Duration(rule.For, $"monitoring.alerts.{name}.for", known.Defaults.For, errors, positive: false),
                rule.Enabled ?? true);
        }
        return new MonitoringConfig
        {
            Window = Duration(yaml.Window, "monitoring.window", defaults.Window, errors, positive: true),
            EvaluationInterval = Duration(yaml.EvaluationInterval, "monitoring.evaluation_interval", defaults.EvaluationInterval, errors, positive: true),
            ExporterInterval = Duration(yaml.ExporterInterval, "monitoring.exporter_interval", defaults.ExporterInterval, errors, positive: true),
            WebhookUrl = yaml.Webhook is null ? null : Url(yaml.Webhook, "monitoring.webhook", errors),
            Exporters = exporters,
            Alerts = alerts,
            PublicRead = yaml.PublicRead ?? false,
        };
    }

    private static Uri? Url(string? text, string at, List<string> errors)
    {
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
        {
            return uri;
        }
        errors.Add($"{at}: '{text}' is not an http:// or https:// URL");
        return null;
    }

    private static TimeSpan Duration(string? text, string at, TimeSpan fallback, List<string> errors, bool positive)
    {
        if (text is null)
        {
            return fallback;
        }
        if (!Durations.TryParse(text, out var value) || value < TimeSpan.Zero || (positive && value == TimeSpan.Zero))
        {
            errors.Add($"{at}: '{text}' is not a {(positive ? "positive " : "")}duration (e.g. 250ms, 5s, 2m)");
            return fallback;
        }
        return value;
    }
}
