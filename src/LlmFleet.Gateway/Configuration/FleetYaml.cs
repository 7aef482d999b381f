using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace LlmFleet.Gateway.Configuration;

/// <summary>
/// How <c>fleet.yaml</c> spells a <see cref="FleetConfig"/>: the one place its keys are named (each property, in
/// snake_case). <see cref="FleetConfigLoader"/> reads files into it and validates them; <c>llmfleet deploy</c> fills it
/// and writes it with <see cref="Serialize"/>. Strings where the file has durations, so validation can say which
/// entry is wrong instead of failing on the first bad scalar. Unknown keys are errors (typos must not pass).
/// </summary>
public sealed class FleetYaml
{
    private static readonly IDeserializer Deserializer = new StaticDeserializerBuilder(new FleetYamlContext())
        .WithNamingConvention(UnderscoredNamingConvention.Instance)
        .WithNodeDeserializer(new UntypedSequenceDeserializer(), where => where.OnTop())
        .Build();

    private static readonly ISerializer Serializer = new StaticSerializerBuilder(new FleetYamlContext())
        .WithNamingConvention(UnderscoredNamingConvention.Instance)
        .ConfigureDefaultValuesHandling(DefaultValuesHandling.OmitNull)
        .DisableAliases()
        .WithQuotingNecessaryStrings()
        .Build();

    public string? Listen { get; set; }

    /// <summary><c>keys</c>, <c>none</c> or a mapping; see <see cref="AccessConfigParser"/>.</summary>
    public object? Auth { get; set; }

    public string? Store { get; set; }

    /// <summary><c>redis://…</c> or a mapping <c>{ store, on_store_failure }</c>; see <see cref="LimitsConfigParser"/>.</summary>
    public object? Limits { get; set; }

    public object? Usage { get; set; }

    public long? MaxRequestBodyBytes { get; set; }

    public string? ShutdownTimeout { get; set; }

    public List<ModelYaml>? Models { get; set; }

    public string? DefaultModel { get; set; }

    public MonitoringYaml? Monitoring { get; set; }

    /// <summary>Team spend budgets in dollars; see <see cref="HybridConfigParser.Teams"/>.</summary>
    public Dictionary<string, TeamYaml>? Teams { get; set; }

    /// <summary><c>admin: { allow_loopback: true }</c>; see <see cref="AccessConfig.AdminAllowLoopback"/>.</summary>
    public AdminYaml? Admin { get; set; }

    /// <summary><c>logging: { format: json|text }</c>; see <see cref="LoggingConfig"/>.</summary>
    public LoggingYaml? Logging { get; set; }

    /// <summary><c>tracing: { otlp_endpoint, protocol, sample_ratio }</c>; see <see cref="TracingConfig"/>.</summary>
    public TracingYaml? Tracing { get; set; }

    /// <exception cref="YamlException">Not YAML, or a key this shape does not have.</exception>
    public static FleetYaml? Deserialize(string yaml) => Deserializer.Deserialize<FleetYaml?>(yaml);

    /// <summary>The file's text; entries left null are left out.</summary>
    public string Serialize() => Serializer.Serialize(this);
}

public sealed class AdminYaml
{
    public bool? AllowLoopback { get; set; }
}

public sealed class ModelYaml
{
    public string? Name { get; set; }

    public List<string>? Aliases { get; set; }

    public string? Policy { get; set; }

    public BackendsYaml? Backends { get; set; }

    public HealthYaml? Health { get; set; }

    public int? Retries { get; set; }

    public TimeoutsYaml? Timeouts { get; set; }

    /// <summary>Other models tried in order when this one cannot take a request; see <see cref="SpillConfig"/>.</summary>
    public List<string>? Fallbacks { get; set; }

    /// <summary>A <see cref="SpillModes"/> word, or a mapping <c>{ when, max_waiting, max_kv_usage }</c>.</summary>
    public object? Spill { get; set; }

    /// <summary>Internal price of this self-hosted pool, per million tokens (default: <c>usage.price_per_million</c>).</summary>
    public PricesYaml? Prices { get; set; }
}

/// <summary><c>backends:</c> is a list of URLs, or a mapping <c>{ kubernetes: {...} }</c> (then the list is empty).
/// Not a list itself: YamlDotNet's generated code cannot describe a type with an indexer.</summary>
public sealed class BackendsYaml : IYamlConvertible
{
    [YamlIgnore]
    public List<BackendYaml> Urls { get; init; } = [];

    [YamlIgnore]
    public KubernetesBackendsYaml? Kubernetes { get; set; }

    public void Read(IParser parser, Type expectedType, ObjectDeserializer nestedObjectDeserializer)
    {
        ArgumentNullException.ThrowIfNull(parser);
        ArgumentNullException.ThrowIfNull(nestedObjectDeserializer);
        if (parser.Current is YamlDotNet.Core.Events.SequenceStart)
        {
            Urls.AddRange((List<BackendYaml>?)nestedObjectDeserializer(typeof(List<BackendYaml>)) ?? []);
        }
        else
        {
            Kubernetes = ((DiscoveredBackendsYaml?)nestedObjectDeserializer(typeof(DiscoveredBackendsYaml)))?.Kubernetes;
        }
    }

    public void Write(IEmitter emitter, ObjectSerializer nestedObjectSerializer)
    {
        ArgumentNullException.ThrowIfNull(nestedObjectSerializer);
        nestedObjectSerializer(Kubernetes is null ? Urls : new DiscoveredBackendsYaml { Kubernetes = Kubernetes });
    }
}

/// <summary>The mapping form of <c>backends:</c>.</summary>
public sealed class DiscoveredBackendsYaml
{
    public KubernetesBackendsYaml? Kubernetes { get; set; }
}

public sealed class BackendYaml
{
    public string? Url { get; set; }

    public string? ServedModel { get; set; }

    public string? ApiKeyEnv { get; set; }

    /// <summary><c>openai-compatible</c> for an external API; absent for a vLLM server.</summary>
    public string? Provider { get; set; }

    /// <summary>A provider's list prices.</summary>
    public PricesYaml? Prices { get; set; }
}

/// <summary>Dollars per million tokens (strings, so a bad value is reported with its place).</summary>
public sealed class PricesYaml
{
    public string? InputPerMillion { get; set; }

    public string? CachedInputPerMillion { get; set; }

    public string? OutputPerMillion { get; set; }
}

public sealed class TeamYaml
{
    public string? BudgetUsdDay { get; set; }

    public string? BudgetUsdMonth { get; set; }
}

public sealed class HealthYaml
{
    public string? Path { get; set; }

    public string? Interval { get; set; }

    public string? MetricsPath { get; set; }

    public string? ScrapeInterval { get; set; }

    public long? EjectAfter { get; set; }

    public string? Ejection { get; set; }

    public string? MaxEjection { get; set; }
}

public sealed class TimeoutsYaml
{
    public string? Connect { get; set; }

    public string? FirstToken { get; set; }

    public string? Idle { get; set; }
}
