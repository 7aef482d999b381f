using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace LlmFleet.Gateway.Configuration;

/// <summary>
/// Validates <c>auth.jwt</c>: <c>issuer</c>, <c>audience</c> (a string or a list) and <c>jwks_url</c> are required;
/// <c>claims</c> and <c>defaults</c> take the names of <see cref="JwtTerms"/>; <c>clock_skew</c>, <c>jwks_refresh</c>
/// and <c>unknown_kid_refresh</c> are durations.
/// </summary>
public static class JwtConfigParser
{
    private const string Entries = "issuer, audience, jwks_url, claims, defaults, clock_skew, jwks_refresh, unknown_kid_refresh";

    public static JwtConfig? Parse(object? jwt, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (jwt is not IDictionary<object, object> map)
        {
            errors.Add("auth.jwt: expected a mapping such as `jwt: { issuer: https://idp.example.com, audience: llm-fleet, jwks_url: https://idp.example.com/jwks }`");
            return null;
        }
        string? issuer = null;
        IReadOnlyList<string>? audiences = null;
        Uri? jwks = null;
        var claims = new Dictionary<string, string> { [JwtTerms.Subject] = "sub" };
        var defaults = new Dictionary<string, JsonElement>();
        var config = new JwtConfig { Issuer = "", Audiences = [], JwksUrl = new Uri("http://unset") };
        foreach (var (k, v) in map)
        {
            var at = $"auth.jwt.{k}";
            switch (k as string)
            {
                case "issuer":
                    issuer = string.IsNullOrWhiteSpace(v as string) ? Missing<string>(at, "the issuer URL the tokens carry in `iss`", errors) : (string)v;
                    break;
                case "audience":
                    audiences = Audiences(v, at, errors);
                    break;
                case "jwks_url":
                    jwks = Uri.TryCreate(v as string, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"
                        ? url
                        : Missing<Uri>(at, "the http(s) URL of the provider's JSON Web Key Set", errors);
                    break;
                case "claims":
                    foreach (var (term, value) in Terms(v, at, errors))
                    {
                        if (value is string name && name.Length > 0)
                        {
                            claims[term] = name;
                        }
                        else
                        {
                            errors.Add($"{at}.{term}: expected the name of a claim");
                        }
                    }
                    break;
                case "defaults":
                    foreach (var (term, value) in Terms(v, at, errors))
                    {
                        var json = ToJson(value);
                        var expected = term == JwtTerms.Subject ? "no default (every token names its subject)" : JwtTerms.Check(term, json);
                        if (expected is not null)
                        {
                            errors.Add($"{at}.{term}: expected {expected}");
                        }
                        else
                        {
                            defaults[term] = json;
                        }
                    }
                    break;
                case "clock_skew":
                    config = config with { ClockSkew = Duration(v, at, errors, allowZero: true) ?? config.ClockSkew };
                    break;
                case "jwks_refresh":
                    config = config with { JwksRefresh = Duration(v, at, errors, allowZero: false) ?? config.JwksRefresh };
                    break;
                case "unknown_kid_refresh":
                    config = config with { UnknownKidRefresh = Duration(v, at, errors, allowZero: true) ?? config.UnknownKidRefresh };
                    break;
                default:
                    errors.Add($"{at}: unknown entry ({Entries})");
                    break;
            }
        }
        if (!map.ContainsKey("issuer") || !map.ContainsKey("audience") || !map.ContainsKey("jwks_url"))
        {
            errors.Add("auth.jwt: issuer, audience and jwks_url are required");
        }
        if (issuer is null || audiences is null || jwks is null)
        {
            return null;
        }
        return config with { Issuer = issuer, Audiences = audiences, JwksUrl = jwks, Claims = claims, Defaults = defaults };
    }

    private static IReadOnlyList<string>? Audiences(object? value, string at, List<string> errors)
    {
        var list = value switch
        {
            string one when one.Length > 0 => [one],
            IList<object> many when many.All(a => a is string { Length: > 0 }) && many.Count > 0 => many.Cast<string>().ToArray(),
            _ => (IReadOnlyList<string>?)null,
        };
        return list ?? Missing<IReadOnlyList<string>>(at, "the audience tokens must name (`aud`): a string or a list", errors);
    }

    /// <summary>A YAML value (a scalar's text, a sequence or a mapping, as the YAML reader gives them) as the JSON a
    /// token's claim would hold, so one check serves defaults and claims; written by hand, not reflected.</summary>
    private static JsonElement ToJson(object? value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, value);
        }
        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();

        static void Write(Utf8JsonWriter writer, object? value)
        {
            switch (value)
            {
                case null:
                    writer.WriteNullValue();
                    break;
                case IDictionary<object, object> map:
                    writer.WriteStartObject();
                    foreach (var (k, v) in map)
                    {
                        writer.WritePropertyName(Convert.ToString(k, CultureInfo.InvariantCulture) ?? "");
                        Write(writer, v);
                    }
                    writer.WriteEndObject();
                    break;
                case IEnumerable<object> items:
                    writer.WriteStartArray();
                    foreach (var item in items)
                    {
                        Write(writer, item);
                    }
                    writer.WriteEndArray();
                    break;
                default:
                    writer.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                    break;
            }
        }
    }

    private static IEnumerable<(string Term, object? Value)> Terms(object? value, string at, List<string> errors)
    {
        if (value is not IDictionary<object, object> map)
        {
            errors.Add($"{at}: expected a mapping of {string.Join(", ", JwtTerms.All)}");
            yield break;
        }
        foreach (var (k, v) in map)
        {
            if (k is string term && JwtTerms.All.Contains(term))
            {
                yield return (term, v);
            }
            else
            {
                errors.Add($"{at}.{k}: unknown entry ({string.Join(", ", JwtTerms.All)})");
            }
        }
    }

    private static TimeSpan? Duration(object? value, string at, List<string> errors, bool allowZero)
    {
        if (value is string text && Durations.TryParse(text, out var duration) && (allowZero || duration > TimeSpan.Zero))
        {
            return duration;
        }
        errors.Add($"{at}: '{value}' is not a {(allowZero ? "" : "positive ")}duration (e.g. 30s, 10m)");
        return null;
    }

    private static T? Missing<T>(string at, string expected, List<string> errors)
        where T : class
    {
        errors.Add($"{at}: expected {expected}");
        return null;
    }
}
