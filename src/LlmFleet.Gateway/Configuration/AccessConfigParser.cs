using System.Globalization;
using System.Net;

namespace LlmFleet.Gateway.Configuration;

/// <summary>
/// Validates the <c>auth:</c>, <c>limits:</c> and <c>usage:</c> entries of <c>fleet.yaml</c>. <c>auth</c> is either a
/// word (<c>auth: keys</c>) or a mapping (<c>auth: { mode: keys, admin_key_env: FLEET_ADMIN }</c>); the modes
/// <c>jwt</c> and <c>keys+jwt</c> need the mapping, with <c>jwt:</c> (<see cref="JwtConfigParser"/>).
/// </summary>
public static class AccessConfigParser
{
    public static AccessConfig Parse(object? auth, object? limits, object? usage, string listen, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var config = new AccessConfig();
        switch (auth)
        {
            case null:
                break;
            case string mode:
                config = config with { Auth = Mode(mode, "auth", errors), AuthExplicit = true };
                break;
            case IDictionary<object, object> map:
                config = config with { AuthExplicit = true };
                foreach (var (k, v) in map)
                {
                    var value = v as string;
                    switch (k as string)
                    {
                        case "mode":
                            config = config with { Auth = Mode(value ?? "", "auth.mode", errors) };
                            break;
                        case "admin_key_env":
                            config = config with { AdminKeyEnv = Required(value, "auth.admin_key_env", errors) ?? config.AdminKeyEnv };
                            break;
                        case "secret_env":
                            config = config with { SecretEnv = Required(value, "auth.secret_env", errors) ?? config.SecretEnv };
                            break;
                        case "key_refresh":
                            if (value is null || !Durations.TryParse(value, out var refresh) || refresh <= TimeSpan.Zero)
                            {
                                errors.Add($"auth.key_refresh: '{value}' is not a positive duration (e.g. 2s)");
                            }
                            else
                            {
                                config = config with { KeyRefresh = refresh };
                            }
                            break;
                        case "jwt":
                            config = config with { Jwt = JwtConfigParser.Parse(v, errors) };
                            break;
                        default:
                            errors.Add($"auth.{k}: unknown entry (mode, admin_key_env, secret_env, key_refresh, jwt)");
                            break;
                    }
                }
                break;
            default:
                errors.Add("auth: expected `keys`, `none` or a mapping with `mode:`");
                break;
        }
        if (config.AcceptsJwt && config.Jwt is null && !errors.Exists(e => e.StartsWith("auth.jwt", StringComparison.Ordinal)))
        {
            errors.Add($"auth: mode {config.Auth} needs `jwt: {{ issuer, audience, jwks_url }}` in the `auth:` mapping");
        }
        else if (!config.AcceptsJwt && config.Jwt is not null)
        {
            errors.Add($"auth.jwt: set, but mode {config.Auth} does not accept tokens; write `mode: jwt` or `mode: keys+jwt`");
        }
        if (!config.AuthExplicit && !IsLoopback(listen))
        {
            errors.Add($"auth: the gateway listens on {listen}, beyond this machine; write `auth: keys` to require API keys " +
                "(or `auth: none` to serve anyone who can reach it)");
        }
        config = LimitsConfigParser.Parse(limits, config, errors);
        return ParseUsage(usage, config, errors);
    }

    /// <summary>Whether an address (<c>http://127.0.0.1:8080</c>) accepts connections only from this machine.</summary>
    public static bool IsLoopback(string url)
    {
        foreach (var one in (url ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var host = one.Contains("://", StringComparison.Ordinal) ? one[(one.IndexOf("://", StringComparison.Ordinal) + 3)..] : one;
            host = host.Split('/')[0];
            host = host.StartsWith('[') ? host[1..host.IndexOf(']', StringComparison.Ordinal)] : host.Split(':')[0];
            if (!(host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip))))
            {
                return false;
            }
        }
        return true;
    }

    private static AccessConfig ParseUsage(object? usage, AccessConfig config, List<string> errors)
    {
        if (usage is null)
        {
            return config;
        }
        if (usage is not IDictionary<object, object> map)
        {
            errors.Add("usage: expected a mapping such as `usage: { price_per_million: { prompt: 0.5, completion: 2 } }`");
            return config;
        }
        foreach (var (k, v) in map)
        {
            if (k as string == "spool")
            {
                config = config with { UsageSpool = string.IsNullOrWhiteSpace(v as string) ? null : (string)v };
                if (config.UsageSpool is null)
                {
                    errors.Add("usage.spool: a file path is required");
                }
                continue;
            }
            if (k as string != "price_per_million" || v is not IDictionary<object, object> prices)
            {
                errors.Add($"usage.{k}: unknown entry (price_per_million: {{ prompt, completion }}, spool)");
                continue;
            }
            foreach (var (pk, pv) in prices)
            {
                var at = $"usage.price_per_million.{pk}";
                if (!decimal.TryParse(pv as string, NumberStyles.Float, CultureInfo.InvariantCulture, out var price) || price < 0)
                {
                    errors.Add($"{at}: '{pv}' is not a price (a number ≥ 0)");
                    continue;
                }
                config = (pk as string) switch
                {
                    "prompt" => config with { PricePerMillionPrompt = price },
                    "completion" => config with { PricePerMillionCompletion = price },
                    _ => Unknown(config, at, errors),
                };
            }
        }
        return config;
    }

    private static AccessConfig Unknown(AccessConfig config, string at, List<string> errors)
    {
        errors.Add($"{at}: unknown entry (prompt, completion)");
        return config;
    }

    private static string Mode(string mode, string at, List<string> errors)
    {
        if (mode is AuthModes.Keys or AuthModes.None or AuthModes.Jwt or AuthModes.KeysAndJwt)
        {
            return mode;
        }
        errors.Add($"{at}: '{mode}' is not `keys`, `jwt`, `keys+jwt` or `none`");
        return AuthModes.None;
    }

    private static string? Required(string? value, string at, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add($"{at}: an environment variable name is required");
            return null;
        }
        return value;
    }
}
