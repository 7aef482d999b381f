namespace LlmFleet.Gateway.Configuration;

/// <summary>
/// The <c>limits:</c> entry of <c>fleet.yaml</c>: <c>limits: redis://host:port</c>, or the mapping
/// <c>limits: { store: redis://host:port, on_store_failure: open | closed }</c>.
/// </summary>
public static class LimitsConfigParser
{
    /// <summary>While the store is unreachable, requests are admitted and counted in the gateway; the counts are
    /// added to the store when it answers again.</summary>
    public const string Open = "open";

    /// <summary>While the store is unreachable, limited keys are answered 503 (an OpenAI-shaped error).</summary>
    public const string Closed = "closed";

    public static AccessConfig Parse(object? limits, AccessConfig config, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(errors);
        switch (limits)
        {
            case null:
                return config;
            case string url:
                return Store(url, "limits", config, errors);
            case IDictionary<object, object> map:
                foreach (var (k, v) in map)
                {
                    switch (k as string)
                    {
                        case "store":
                            config = Store(v as string ?? "", "limits.store", config, errors);
                            break;
                        case "on_store_failure" when v is Open or Closed:
                            config = config with { OnStoreFailure = (string)v };
                            break;
                        case "on_store_failure":
                            errors.Add($"limits.on_store_failure: '{v}' is not `open` or `closed`");
                            break;
                        default:
                            errors.Add($"limits.{k}: unknown entry (store, on_store_failure)");
                            break;
                    }
                }
                if (config.Limits is null && !map.Keys.Contains("store"))
                {
                    errors.Add("limits.store: required (redis://host:port)");
                }
                return config;
            default:
                errors.Add("limits: expected redis://host:port or a mapping { store: redis://host:port, on_store_failure: open | closed }");
                return config;
        }
    }

    private static AccessConfig Store(string url, string at, AccessConfig config, List<string> errors)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != "redis" || string.IsNullOrEmpty(uri.Host))
        {
            errors.Add($"{at}: '{url}' is not redis://host:port (leave limits out to keep counters in this process)");
            return config;
        }
        return config with { Limits = url };
    }
}
