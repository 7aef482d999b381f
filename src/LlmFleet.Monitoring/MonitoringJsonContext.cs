using System.Text.Json.Serialization;
using LlmFleet.Monitoring.Alerts;
using LlmFleet.Monitoring.Diagnosis;

namespace LlmFleet.Monitoring;

/// <summary>The monitoring API's JSON (snake_case, as the CLI's <c>--json</c>); the CLI reads it with the same context.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(FleetSnapshot))]
[JsonSerializable(typeof(AlertsReport))]
[JsonSerializable(typeof(AlertmanagerPayload))]
[JsonSerializable(typeof(DiagnosisReport))]
public sealed partial class MonitoringJsonContext : JsonSerializerContext;
