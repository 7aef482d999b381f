using LlmFleet.Monitoring.Alerts;

namespace LlmFleet.Monitoring;

/// <summary>
/// The fleet at one moment, as <c>GET /admin/fleet</c> returns it (snake_case JSON) and the dashboard, alert rules,
/// <c>diagnose</c> and <c>top</c> read it: models, each with its backends. Values that were never observed are null.
/// </summary>
/// <param name="WindowSeconds">The trailing window rates and percentiles are computed over.</param>
public sealed record FleetSnapshot(DateTimeOffset TakenAt, double WindowSeconds, IReadOnlyList<ModelView> Models)
{
    /// <summary>Alerts firing when the snapshot was taken.</summary>
    public IReadOnlyList<AlertView> Alerts { get; init; } = [];

    /// <summary>The configuration file in force and how its reloads went; null where no gateway reports one.</summary>
    public ConfigStatusView? Config { get; init; }

    /// <summary>Every backend once (a server listed by two models appears under both in <see cref="Models"/>).</summary>
    public IEnumerable<BackendView> AllBackends() => Models.SelectMany(m => m.Backends).DistinctBy(b => b.Id);
}

/// <summary>The gateway's configuration file: when the running configuration was loaded, and the last file it refused.</summary>
/// <param name="Path">The watched file; null when the configuration was not read from a file.</param>
/// <param name="LoadedAt">When the configuration in force was read (start-up or the last successful reload).</param>
/// <param name="ReloadFailures">Changed files refused since start-up (each kept the configuration in force).</param>
/// <param name="LastError">Why the last refused file was refused.</param>
public sealed record ConfigStatusView(string? Path, DateTimeOffset LoadedAt, long ReloadFailures, string? LastError, DateTimeOffset? LastErrorAt)
{
    /// <summary>False while the file on disk is one the gateway refused (the running configuration is older).</summary>
    public bool LastReloadSucceeded { get; init; } = true;
}

public sealed record ModelView(string Name, IReadOnlyList<string> Aliases, string Policy, IReadOnlyList<BackendView> Backends);

/// <summary>One vLLM server: health, vLLM's gauges, rates over the window, and GPU/host figures where exported.</summary>
/// <param name="Id">1-based position in the fleet (stable while the configuration is), what <c>drain</c> accepts.</param>
/// <param name="Name">host:port, the <c>backend</c> label of the gateway's metrics.</param>
/// <param name="Status"><c>down</c> (health probe fails), <c>draining</c>, <c>ejected</c> (passive), <c>up</c> or <c>unknown</c>,
/// the first that applies.</param>
public sealed record BackendView(int Id, string Name, string Url, string Status)
{
    public bool Draining { get; init; }

    public int InFlight { get; init; }

    /// <summary>Seconds since the last successful <c>/metrics</c> scrape; null when none yet.</summary>
    public double? ScrapeAgeSeconds { get; init; }

    /// <summary>True when the server exports the older metric names (<c>gpu_cache_usage_perc</c>, ...).</summary>
    public bool LegacyMetricNames { get; init; }

    public double? Running { get; init; }

    public double? Waiting { get; init; }

    public double? KvCacheUsageFraction { get; init; }

    public double? PromptTokensPerSecond { get; init; }

    public double? GenerationTokensPerSecond { get; init; }

    public double? RequestsPerSecond { get; init; }

    /// <summary>Failed attempts (connection errors, 5xx, broken streams) over attempts the gateway sent in the window.</summary>
    public double? ErrorFraction { get; init; }

    public long AttemptsInWindow { get; init; }

    public double? PreemptionsInWindow { get; init; }

    public double? PrefixCacheHitFraction { get; init; }

    public double? TtftP50Seconds { get; init; }

    public double? TtftP95Seconds { get; init; }

    public double? InterTokenP50Seconds { get; init; }

    public double? InterTokenP95Seconds { get; init; }

    /// <summary>From process start (or, without <c>process_start_time_seconds</c>, from the first failed probe) to the
    /// first healthy answer the gateway saw; null when it was already up when the gateway started.</summary>
    public double? ModelLoadSeconds { get; init; }

    public GpuView? Gpus { get; init; }

    public HostView? Host { get; init; }
}

/// <summary>The backend's GPUs from its DCGM exporter.</summary>
public sealed record GpuView(int Count, double UtilizationPercent, long MemoryUsedBytes, long MemoryTotalBytes, double MaxMemoryUsedFraction,
    double? MaxTemperatureCelsius, double? PowerWatts, IReadOnlyList<Scraping.GpuSample> Devices);

/// <summary>The backend's host from its node exporter.</summary>
public sealed record HostView(double MemoryTotalBytes, double MemoryAvailableBytes, double? DiskReadBytesPerSecond,
    double? DiskWriteBytesPerSecond, double? DiskBusyFraction);
