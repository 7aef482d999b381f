using YamlDotNet.Serialization;

namespace LlmFleet.Gateway.Configuration;

/// <summary>The shapes of <c>fleet.yaml</c>, for YamlDotNet's generated (not reflected) reader and writer: the Native
/// AOT binary cannot create <c>List&lt;ModelYaml&gt;</c> or read properties by reflection.</summary>
[YamlStaticContext]
[YamlSerializable(typeof(FleetYaml))]
[YamlSerializable(typeof(AdminYaml))]
[YamlSerializable(typeof(ModelYaml))]
[YamlSerializable(typeof(BackendsYaml))]
[YamlSerializable(typeof(DiscoveredBackendsYaml))]
[YamlSerializable(typeof(BackendYaml))]
[YamlSerializable(typeof(PricesYaml))]
[YamlSerializable(typeof(TeamYaml))]
[YamlSerializable(typeof(HealthYaml))]
[YamlSerializable(typeof(TimeoutsYaml))]
[YamlSerializable(typeof(LoggingYaml))]
[YamlSerializable(typeof(TracingYaml))]
[YamlSerializable(typeof(KubernetesBackendsYaml))]
[YamlSerializable(typeof(MonitoringYaml))]
[YamlSerializable(typeof(MonitoringYaml.ExporterYaml))]
[YamlSerializable(typeof(MonitoringYaml.AlertRuleYaml))]
// `auth`, `limits`, `usage` and `spill` are plain values that their parsers check: a mapping under them is read into
// the Dictionary<object, object> every generated context knows, a sequence by UntypedSequenceDeserializer.
public sealed partial class FleetYamlContext : StaticContext;
