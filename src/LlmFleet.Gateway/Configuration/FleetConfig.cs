using LlmFleet.Monitoring;

namespace LlmFleet.Gateway.Configuration;

/// <summary>
/// One validated snapshot of <c>fleet.yaml</c>. Immutable: a reload builds a new one and swaps it whole, so a request
/// sees one consistent configuration from start to end.
/// </summary>
public sealed record FleetConfig
{
    /// <summary>Where the gateway listens when no <c>--urls</c> is given. Default <c>http://127.0.0.1:8080</c>.</summary>
    public string Listen { get; init; } = "http://127.0.0.1:8080";

    /// <summary>Where keys, limits and the usage ledger live; kept but not used by routing.</summary>
    public string? Store { get; init; }

    /// <summary>Largest request body accepted, in bytes; larger ones get 413. Default 32 MiB.</summary>
    public long MaxRequestBodyBytes { get; init; } = 32 * 1024 * 1024;

    /// <summary>How long a shutdown lets requests in flight (streams included) finish before cancelling them. Default 30 s.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public IReadOnlyList<ModelConfig> Models { get; init; } = [];

    /// <summary><c>default_model:</c> the model (name or alias) a request without <c>model</c> goes to, as vLLM serves
    /// its first model then. Null: the only model when there is exactly one, else such requests get 400.</summary>
    public string? DefaultModel { get; init; }

    /// <summary><c>auth:</c>, <c>limits:</c> and <c>usage:</c>: API keys, rate limits, usage ledger.</summary>
    public AccessConfig Access { get; init; } = new();

    /// <summary><c>monitoring:</c>: rate window, GPU/host exporters, alert thresholds and webhook.</summary>
    public MonitoringConfig Monitoring { get; init; } = new();

    /// <summary><c>logging:</c>: the console log's format.</summary>
    public LoggingConfig Logging { get; init; } = new();

    /// <summary><c>tracing:</c>: where OpenTelemetry traces go (off when neither it nor the environment names a collector).</summary>
    public TracingConfig Tracing { get; init; } = new();
}

/// <summary>One model as clients name it, and the pool of vLLM backends that serve it.</summary>
public sealed record ModelConfig
{
    /// <summary>What clients send as <c>model</c>.</summary>
    public required string Name { get; init; }

    /// <summary>Other names clients may send for the same pool.</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>A name from <see cref="PolicyNames"/>. Default <c>least-load</c>.</summary>
    public string Policy { get; init; } = PolicyNames.LeastLoad;

    public required IReadOnlyList<BackendConfig> Backends { get; init; }

    /// <summary>Set when <c>backends: { kubernetes: ... }</c>: <see cref="Backends"/> then follows the Service's ready
    /// endpoints (Discovery/), starting empty.</summary>
    public KubernetesBackendsConfig? Kubernetes { get; init; }

    public HealthConfig Health { get; init; } = new();

    /// <summary>How many other backends a request may be retried on before anything was sent to the client. Default 2.</summary>
    public int Retries { get; init; } = 2;

    public TimeoutsConfig Timeouts { get; init; } = new();

    /// <summary>Models (canonical names) tried in order when this pool cannot take a request; not followed further.</summary>
    public IReadOnlyList<string> Fallbacks { get; init; } = [];

    /// <summary>When requests move on to <see cref="Fallbacks"/>. Default <c>when_down</c>.</summary>
    public SpillConfig Spill { get; init; } = new();

    /// <summary>Internal price of this pool's self-hosted backends; null: <c>usage.price_per_million</c>.</summary>
    public TokenPrices? Prices { get; init; }
}

/// <summary>One vLLM server.</summary>
public sealed record BackendConfig
{
    /// <summary>Base address, scheme, host and port only (e.g. <c>http://10.0.0.11:8000</c>).</summary>
    public required Uri Url { get; init; }

    /// <summary>The name this server knows the model by (<c>--served-model-name</c>); written into the forwarded body
    /// when it differs from what the client sent. Null: forward the client's name unchanged.</summary>
    public string? ServedModel { get; init; }

    /// <summary>The environment variable holding the key this server was started with (vLLM's <c>--api-key</c>); sent
    /// as <c>Authorization: Bearer</c> on every forwarded request in place of whatever the client sent. Null: the
    /// client's header passes through (keys the gateway issued are removed before forwarding either way).</summary>
    public string? ApiKeyEnv { get; init; }

    /// <summary><c>openai-compatible</c> for an external API (health-checked with <c>GET /v1/models</c>, never scraped,
    /// chosen only when no self-hosted backend of the pool is usable); null for a vLLM server.</summary>
    public string? Provider { get; init; }

    /// <summary>A provider's list prices; null for a vLLM server.</summary>
    public TokenPrices? Prices { get; init; }

    public bool IsExternal => Provider is not null;
}

/// <summary>Active health checking and passive ejection of one pool's backends.</summary>
public sealed record HealthConfig
{
    /// <summary>Probed with GET; 200 means healthy. Default <c>/health</c> (vLLM's).</summary>
    public string Path { get; init; } = "/health";

    /// <summary>Time between active probes. Default 5 s.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>vLLM's Prometheus endpoint, scraped for queue and KV-cache gauges. Default <c>/metrics</c>.</summary>
    public string MetricsPath { get; init; } = "/metrics";

    /// <summary>Time between scrapes of <see cref="MetricsPath"/>. Default 1 s.</summary>
    public TimeSpan ScrapeInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Consecutive connection errors or 5xx answers after which a backend is ejected. Default 3.</summary>
    public int EjectAfter { get; init; } = 3;

    /// <summary>First ejection length; each ejection in a row doubles it, up to <see cref="MaxEjection"/>. Default 2 s.</summary>
    public TimeSpan Ejection { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest ejection. Default 60 s.</summary>
    public TimeSpan MaxEjection { get; init; } = TimeSpan.FromSeconds(60);
}

/// <summary>Upstream timeouts; a timeout before anything was sent to the client answers 504.</summary>
public sealed record TimeoutsConfig
{
    /// <summary>TCP connect to a backend. Default 2 s.</summary>
    public TimeSpan Connect { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>From sending the request to the response headers and, for streams, the first event. Default 300 s
    /// (a long prompt on a busy server waits for its prefill).</summary>
    public TimeSpan FirstToken { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary>Longest silence between two chunks of a streamed response. Default 60 s.</summary>
    public TimeSpan Idle { get; init; } = TimeSpan.FromSeconds(60);
}
