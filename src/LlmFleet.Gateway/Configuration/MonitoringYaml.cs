namespace LlmFleet.Gateway.Configuration;

/// <summary>The <c>monitoring:</c> section as YamlDotNet fills it (strings where the file has durations, so that
/// validation can name the bad entry). Unknown keys are errors, as everywhere in <c>fleet.yaml</c>.</summary>
public sealed class MonitoringYaml
{
    public string? Window { get; set; }

    public string? EvaluationInterval { get; set; }

    public string? ExporterInterval { get; set; }

    public string? Webhook { get; set; }

    public bool? PublicRead { get; set; }

    public List<ExporterYaml>? Exporters { get; set; }

    public Dictionary<string, AlertRuleYaml>? Alerts { get; set; }

    public sealed class ExporterYaml
    {
        public string? Backend { get; set; }

        public string? Dcgm { get; set; }

        public string? Node { get; set; }
    }

    public sealed class AlertRuleYaml
    {
        public double? Threshold { get; set; }

        public string? For { get; set; }

        public bool? Enabled { get; set; }
    }
}
