using System.Globalization;
using YamlDotNet.Core;

namespace LlmFleet.Gateway.Configuration;

/// <summary>
/// Reads and validates <c>fleet.yaml</c> (format: docs/architecture.md, "Configuration"). Every problem is reported
/// at once, each with its place (<c>models[0].backends[1].url</c>), so one edit fixes a file.
/// </summary>
public static class FleetConfigLoader
{
    /// <summary>Most backends one pool may hold (request routing keeps tried backends in a 64-bit mask).</summary>
    public const int MaxBackendsPerModel = 64;

    public static FleetConfig Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FleetConfigException($"{path}: {e.Message}");
        }
        return Parse(text, path);
    }

    public static FleetConfig Parse(string yaml, string source = "fleet.yaml")
    {
        FleetYaml? doc;
        try
        {
            doc = FleetYaml.Deserialize(yaml);
        }
        catch (YamlException e)
        {
            var inner = e.InnerException?.Message ?? e.Message;
            throw new FleetConfigException($"{source}: line {e.Start.Line}, column {e.Start.Column}: {inner}");
        }
        var errors = new List<string>();
        var config = Validate(doc ?? new FleetYaml(), errors);
        if (errors.Count > 0)
        {
            throw new FleetConfigException($"{source}: " + string.Join("; ", errors));
        }
        return config;
    }

    private static FleetConfig Validate(FleetYaml doc, List<string> errors)
    {
        var defaults = new FleetConfig();
        if (doc.Listen is { } listen && !IsHttpUrl(listen, allowPath: false))
        {
            errors.Add($"listen: '{listen}' is not an http:// or https:// address");
        }
        var models = new List<ModelConfig>();
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        if (doc.Models is not { Count: > 0 })
        {
            errors.Add("models: at least one model is required");
        }
        for (var i = 0; i < (doc.Models?.Count ?? 0); i++)
        {
            var m = doc.Models![i];
            var at = $"models[{i}]";
            if (string.IsNullOrWhiteSpace(m.Name))
            {
                errors.Add($"{at}.name: required");
                continue;
            }
            foreach (var name in (m.Aliases ?? []).Prepend(m.Name))
            {
                if (string.IsNullOrWhiteSpace(name))
                {
                    errors.Add($"{at}.aliases: empty name");
                }
                else if (!names.TryAdd(name, m.Name))
                {
                    errors.Add($"{at}: the name '{name}' is already used by model '{names[name]}'");
                }
            }
            models.Add(ValidateModel(m, at, errors));
        }
        return defaults with
        {
            Listen = doc.Listen ?? defaults.Listen,
            Store = doc.Store,
            MaxRequestBodyBytes = doc.MaxRequestBodyBytes is { } max
                ? Positive(max, "max_request_body_bytes", errors) : defaults.MaxRequestBodyBytes,
            ShutdownTimeout = Duration(doc.ShutdownTimeout, "shutdown_timeout", defaults.ShutdownTimeout, errors),
            Models = HybridConfigParser.ResolveFallbacks(models, names, errors),
            DefaultModel = DefaultModel(doc.DefaultModel, names, errors),
            Access = AccessConfigParser.Parse(doc.Auth, doc.Limits, doc.Usage, doc.Listen ?? defaults.Listen, errors) with
            {
                TeamBudgets = HybridConfigParser.Teams(doc.Teams, errors),
                AdminAllowLoopback = doc.Admin?.AllowLoopback ?? false,
            },
            Logging = LoggingConfig.Parse(doc.Logging, errors),
            Tracing = TracingConfig.Parse(doc.Tracing, errors),
            Monitoring = MonitoringConfigParser.Parse(doc.Monitoring, models.SelectMany(m => m.Backends).Select(b => b.Url), errors),
        };
    }

    private static string? DefaultModel(string? name, Dictionary<string, string> names, List<string> errors)
    {
        if (name is not null && !names.ContainsKey(name))
        {
            errors.Add($"default_model: '{name}' is not a model name or alias; models: {string.Join(", ", names.Keys)}");
        }
        return name;
    }

    private static ModelConfig ValidateModel(ModelYaml m, string at, List<string> errors)
    {
        var backends = new List<BackendConfig>();
        var kubernetes = m.Backends?.Kubernetes?.Validate($"{at}.backends.kubernetes", errors);
        var listed = m.Backends?.Urls ?? [];
        if (listed.Count == 0 && m.Backends?.Kubernetes is null)
        {
            errors.Add($"{at}.backends: at least one backend is required");
        }
        else if (listed.Count > MaxBackendsPerModel)
        {
            errors.Add($"{at}.backends: at most {MaxBackendsPerModel} backends per model");
        }
        var urls = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var j = 0; j < listed.Count; j++)
        {
            var b = listed[j];
            var bat = $"{at}.backends[{j}]";
            if (b.Url is null || !IsHttpUrl(b.Url, allowPath: false))
            {
                errors.Add($"{bat}.url: '{b.Url}' is not an http:// or https:// address (scheme, host and port, no path)");
                continue;
            }
            var url = new Uri(b.Url.TrimEnd('/'));
            if (!urls.Add(url.GetLeftPart(UriPartial.Authority)))
            {
                errors.Add($"{bat}.url: '{b.Url}' is listed twice");
            }
            var (provider, prices) = HybridConfigParser.Backend(b, bat, errors);
            backends.Add(new BackendConfig
            {
                Url = url,
                ServedModel = string.IsNullOrWhiteSpace(b.ServedModel) ? null : b.ServedModel,
                ApiKeyEnv = BackendKeyEnv(b.ApiKeyEnv, $"{bat}.api_key_env", errors),
                Provider = provider,
                Prices = prices,
            });
        }
        var policy = m.Policy ?? PolicyNames.LeastLoad;
        if (!PolicyNames.All.Contains(policy))
        {
            errors.Add($"{at}.policy: unknown policy '{policy}' (one of {string.Join(", ", PolicyNames.All)})");
        }
        var health = new HealthConfig();
        if (m.Health is { } h)
        {
            health = health with
            {
                Path = ValidPath(h.Path, $"{at}.health.path", health.Path, errors),
                Interval = Duration(h.Interval, $"{at}.health.interval", health.Interval, errors, positive: true),
                MetricsPath = ValidPath(h.MetricsPath, $"{at}.health.metrics_path", health.MetricsPath, errors),
                ScrapeInterval = Duration(h.ScrapeInterval, $"{at}.health.scrape_interval", health.ScrapeInterval, errors, positive: true),
                EjectAfter = h.EjectAfter is { } n ? (int)Positive(n, $"{at}.health.eject_after", errors) : health.EjectAfter,
                Ejection = Duration(h.Ejection, $"{at}.health.ejection", health.Ejection, errors, positive: true),
                MaxEjection = Duration(h.MaxEjection, $"{at}.health.max_ejection", health.MaxEjection, errors, positive: true),
            };
        }
        var timeouts = new TimeoutsConfig();
        if (m.Timeouts is { } t)
        {
            timeouts = new TimeoutsConfig
            {
                Connect = Duration(t.Connect, $"{at}.timeouts.connect", timeouts.Connect, errors, positive: true),
                FirstToken = Duration(t.FirstToken, $"{at}.timeouts.first_token", timeouts.FirstToken, errors, positive: true),
                Idle = Duration(t.Idle, $"{at}.timeouts.idle", timeouts.Idle, errors, positive: true),
            };
        }
        if (m.Retries is < 0 or > 10)
        {
            errors.Add($"{at}.retries: {m.Retries} is outside 0–10");
        }
        return new ModelConfig
        {
            Name = m.Name!,
            Aliases = m.Aliases?.Where(a => !string.IsNullOrWhiteSpace(a)).ToArray() ?? [],
            Policy = policy,
            Backends = backends,
            Kubernetes = kubernetes,
            Health = health,
            Retries = m.Retries ?? 2,
            Timeouts = timeouts,
            Fallbacks = m.Fallbacks ?? [],
            Spill = HybridConfigParser.Spill(m.Spill, $"{at}.spill", errors),
            Prices = m.Prices is null ? null : HybridConfigParser.Prices(m.Prices, $"{at}.prices", errors),
        };
    }

    /// <summary>A backend's <c>api_key_env</c>: null when absent; an error when the variable is not set.</summary>
    internal static string? BackendKeyEnv(string? name, string at, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(name)))
        {
            errors.Add($"{at}: the environment variable {name} is not set (it should hold the key the backend was started with)");
        }
        return name;
    }

    private static bool IsHttpUrl(string text, bool allowPath) =>
        Uri.TryCreate(text.TrimEnd('/'), UriKind.Absolute, out var uri)
        && uri.Scheme is "http" or "https"
        && (allowPath || uri.AbsolutePath == "/")
        && string.IsNullOrEmpty(uri.Query);

    private static string ValidPath(string? path, string at, string fallback, List<string> errors)
    {
        if (path is null)
        {
            return fallback;
        }
        if (!path.StartsWith('/'))
        {
            errors.Add($"{at}: '{path}' must start with /");
        }
        return path;
    }

    private static TimeSpan Duration(string? text, string at, TimeSpan fallback, List<string> errors, bool positive = false)
    {
        if (text is null)
        {
            return fallback;
        }
        if (!Durations.TryParse(text, out var value) || (positive && value <= TimeSpan.Zero))
        {
            errors.Add($"{at}: '{text}' is not a {(positive ? "positive " : "")}duration (e.g. 250ms, 5s, 2m)");
            return fallback;
        }
        return value;
    }

    private static long Positive(long value, string at, List<string> errors)
    {
        if (value <= 0)
        {
            errors.Add($"{at}: {value.ToString(CultureInfo.InvariantCulture)} must be positive");
        }
        return value;
    }
}
