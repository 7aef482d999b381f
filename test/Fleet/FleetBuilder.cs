using LlmFleet.Gateway.Configuration;
using LlmFleet.Gateway.Hosting;
using LlmFleet.Gateway.Routing;
using LlmFleet.Monitoring;
using LlmFleet.Monitoring.Alerts;
using LlmFleet.Planning.Performance;
using LlmFleet.Simulation;
using Microsoft.Extensions.Logging;

namespace LlmFleet.Testing;

/// <summary>
/// Starts vLLM twins of GLM-5.2 FP8 on 8×H200 and a real gateway over them, all on 127.0.0.1 port 0 in this process.
/// Health checks run fast (200 ms probes, 100 ms scrapes, 500 ms ejections) so tests see state changes quickly; what
/// differs between tests (twins, policy, access, monitoring) is added through the calls below.
/// </summary>
internal sealed class FleetBuilder
{
    public const string Model = "glm-5.2";
    public const string Alias = "glm";

    private readonly List<Func<CancellationToken, Task<RunningTwin>>> _twins = [];
    private string _policy = BackendSelectionPolicies.RoundRobin;
    private Func<ModelConfig, ModelConfig>? _model;
    private Func<FleetConfig, FleetConfig>? _config;
    private AccessConfig? _access;
    private string? _store;
    private bool _monitored;
    private Func<MonitoringConfig, MonitoringConfig>? _monitoring;
    private bool _webhook;
    private bool _awaitUp;

    /// <summary>A twin whose answers are plain content (no reasoning section), so short answers have text to check;
    /// <paramref name="speed"/> 0 runs it as fast as it can.</summary>
    public static TwinOptions PlainTwin(double speed = 0) => new() { Speed = speed, ReasoningParser = "none" };

    /// <summary>A plain twin whose engine steps take <paramref name="stepMs"/> ms in real time: fast, yet TTFT and
    /// inter-token latency are real numbers.</summary>
    public static TwinOptions TimedTwin(int stepMs = 5) => PlainTwin(speed: 1) with
    {
        StepTimeModel = new FixedStepTime(TimeSpan.FromMilliseconds(stepMs)),
        KvCacheTokens = 65_536,
        MaxModelLen = 8192,
    };

    public static Task<RunningTwin> StartTwinAsync(double speed = 0, FaultOptions? faults = null) =>
        StartTwinAsync(PlainTwin(speed) with { Faults = faults ?? FaultOptions.None });

    public static Task<RunningTwin> StartTwinAsync(TwinOptions options) =>
        TwinHost.StartAsync(options, ct: TestContext.Current.CancellationToken);

    /// <summary>The model <see cref="Model"/> (alias <see cref="Alias"/>) served by <paramref name="twins"/>.</summary>
    public static ModelConfig ModelFor(IEnumerable<RunningTwin> twins, string policy = BackendSelectionPolicies.RoundRobin) => new()
    {
        Name = Model,
        Aliases = [Alias],
        Policy = policy,
        Backends = twins.Select(t => new BackendConfig { Url = t.BaseAddress, ServedModel = t.ServedModelName }).ToArray(),
        Health = new HealthConfig
        {
            Interval = TimeSpan.FromMilliseconds(200),
            ScrapeInterval = TimeSpan.FromMilliseconds(100),
            Ejection = TimeSpan.FromMilliseconds(500),
        },
        Timeouts = new TimeoutsConfig { FirstToken = TimeSpan.FromSeconds(30), Idle = TimeSpan.FromSeconds(10) },
    };

    /// <summary>A monitor that runs fast: 2 s rate window, alerts evaluated every 100 ms and firing after their
    /// condition held 300 ms (default thresholds), the twins' simulated DCGM and node exporters scraped every 200 ms.</summary>
    public static MonitoringConfig FastMonitoring(IEnumerable<RunningTwin> twins, Uri? webhook = null) => new()
    {
        Window = TimeSpan.FromSeconds(2),
        EvaluationInterval = TimeSpan.FromMilliseconds(100),
        ExporterInterval = TimeSpan.FromMilliseconds(200),
        WebhookUrl = webhook,
        Exporters = twins.Select(t => new ExporterConfig(t.BaseAddress, new Uri(t.BaseAddress, "sim/dcgm/metrics"), new Uri(t.BaseAddress, "sim/node/metrics"))).ToArray(),
        Alerts = AlertRules.All.ToDictionary(r => r.Name, r => r.Defaults with { For = TimeSpan.FromMilliseconds(300) }),
    };

    /// <summary>The access configuration of a fleet started without one: auth off, and an admin key of its own in a
    /// variable of its own (set here), so fleets in parallel tests share nothing.</summary>
    public static AccessConfig NewAdminKey()
    {
        var env = "LLMFLEET_TEST_ADMIN_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(env, "admin-" + Guid.NewGuid().ToString("N"));
        return new AccessConfig { AdminKeyEnv = env };
    }

    /// <summary>A gateway on 127.0.0.1 port 0 that logs warnings and worse.</summary>
    public static Task<RunningGateway> StartGatewayAsync(GatewayOptions options) =>
        GatewayHost.StartAsync(options with { Urls = "http://127.0.0.1:0", MinimumLogLevel = LogLevel.Warning }, TestContext.Current.CancellationToken);

    /// <summary>Adds <paramref name="count"/> plain twins at <paramref name="speed"/>.</summary>
    public FleetBuilder Twins(int count, double speed = 0) => Twins(Enumerable.Repeat(PlainTwin(speed), count));

    /// <summary>Adds one twin per options, in order.</summary>
    public FleetBuilder Twins(IEnumerable<TwinOptions> options)
    {
        foreach (var o in options)
        {
            _twins.Add(ct => TwinHost.StartAsync(o, ct: ct));
        }
        return this;
    }

    /// <summary>Adds a twin the caller started; the fleet disposes it with the rest.</summary>
    public FleetBuilder Twin(RunningTwin running)
    {
        _twins.Add(_ => Task.FromResult(running));
        return this;
    }

    public FleetBuilder Policy(string policy)
    {
        _policy = policy;
        return this;
    }

    /// <summary>Changes the model configuration <see cref="ModelFor"/> gives.</summary>
    public FleetBuilder ChangeModel(Func<ModelConfig, ModelConfig>? configure)
    {
        _model = configure;
        return this;
    }

    /// <summary>Changes the whole gateway configuration, last of all.</summary>
    public FleetBuilder ChangeConfig(Func<FleetConfig, FleetConfig>? configure)
    {
        _config = configure;
        return this;
    }

    /// <summary>Puts the gateway's access control on <paramref name="access"/> with its keys in <paramref name="store"/>.</summary>
    public FleetBuilder Access(AccessConfig access, string store)
    {
        _access = access;
        _store = store;
        return this;
    }

    /// <summary>Turns on the gateway's monitor (<see cref="FastMonitoring"/>), changed by <paramref name="configure"/>.</summary>
    public FleetBuilder Monitored(Func<MonitoringConfig, MonitoringConfig>? configure = null)
    {
        _monitored = true;
        _monitoring = configure;
        return this;
    }

    /// <summary>Sends the monitor's alerts to a <see cref="WebhookReceiver"/> on loopback (implies monitoring).</summary>
    public FleetBuilder AlertWebhook()
    {
        _monitored = true;
        _webhook = true;
        return this;
    }

    /// <summary>Returns only once every backend is up with GPU figures in <c>/admin/fleet</c> (needs monitoring).</summary>
    public FleetBuilder AwaitBackendsUp()
    {
        _awaitUp = true;
        return this;
    }

    public async Task<RunningFleet> StartAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        var access = _access ?? NewAdminKey();
        var fleet = new RunningFleet(access, _store, Environment.GetEnvironmentVariable(access.AdminKeyEnv));
        try
        {
            foreach (var start in _twins)
            {
                fleet.Twins.Add(await start(ct));
            }
            if (_webhook)
            {
                fleet.AlertReceiver = await WebhookReceiver.StartAsync();
            }
            var model = ModelFor(fleet.Twins, _policy);
            var config = new FleetConfig { Models = [_model?.Invoke(model) ?? model], Store = _store, Access = access };
            if (_monitored)
            {
                var monitoring = FastMonitoring(fleet.Twins, fleet.AlertReceiver?.Url);
                config = config with { Monitoring = _monitoring?.Invoke(monitoring) ?? monitoring };
            }
            fleet.Gateway = await StartGatewayAsync(new GatewayOptions { Config = _config?.Invoke(config) ?? config });
            if (_awaitUp)
            {
                await fleet.WaitForFleetAsync(f => f.AllBackends().All(b => b.Status == "up" && b.Gpus is not null), "backends up with GPU figures");
            }
            return fleet;
        }
        catch
        {
            await fleet.DisposeAsync();
            throw;
        }
    }
}

/// <summary>Every engine step takes the same time, whatever the batch: latencies a test can reason about.</summary>
internal sealed class FixedStepTime(TimeSpan step) : IStepTimeModel
{
    public TimeSpan StepTime(int prefillTokens, int decodeSequences, long decodeContextTokens) => step;
}
