using System.Globalization;
using System.Text.Json.Serialization;

namespace LlmFleet.Simulation;

/// <summary>
/// Failures a twin can be told to show, so a gateway's retries, health checks and stream handling can be rehearsed.
/// A snapshot: <c>POST /sim/faults</c> (JSON, snake_case) or <see cref="RunningTwin.SetFaultsAsync"/> replaces it whole.
/// </summary>
public sealed record FaultOptions
{
    /// <summary>No faults.</summary>
    public static FaultOptions None { get; } = new();

    /// <summary>Stop listening: connections are refused from then on (the process of a real vLLM died).</summary>
    public bool Crash { get; init; }

    /// <summary>Accept connections and requests, never answer (every path except <c>/sim/faults</c>).</summary>
    public bool Hang { get; init; }

    /// <summary>Step-time multiplier (default 1): 3 makes every engine step three times slower.</summary>
    public double Slow { get; init; } = 1.0;

    /// <summary>Fraction (0–1) of API requests answered with <see cref="ErrorStatus"/> instead (default 0).</summary>
    public double ErrorRate { get; init; }

    /// <summary>500 or 503 (default 500), with vLLM's error body.</summary>
    public int ErrorStatus { get; init; } = 500;

    /// <summary>Close streamed responses abruptly after this many tokens (default: never).</summary>
    public int? DropStreamAfterTokens { get; init; }

    /// <summary>
    /// After this many tokens a stream still answered 200 carries vLLM's error event (<c>data: {"error": …}</c>) and
    /// then <c>data: [DONE]</c>, as vLLM reports an engine failure mid-stream (default: never).
    /// </summary>
    public int? MidStreamErrorAfterTokens { get; init; }

    /// <summary><c>/health</c> answers 503 (the engine is dead) while requests are still served.</summary>
    public bool Unhealthy { get; init; }

    [JsonIgnore]
    public bool Any => Crash || Hang || Slow != 1.0 || ErrorRate > 0 || DropStreamAfterTokens is not null ||
        MidStreamErrorAfterTokens is not null || Unhealthy;

    /// <exception cref="ArgumentException">A value out of range, naming the field.</exception>
    public FaultOptions Validate()
    {
        if (!(Slow > 0) || double.IsInfinity(Slow))
        {
            throw new ArgumentException($"slow must be a positive factor, got {Slow.ToString(CultureInfo.InvariantCulture)}");
        }
        if (ErrorRate is < 0 or > 1 || double.IsNaN(ErrorRate))
        {
            throw new ArgumentException($"error_rate must be between 0 and 1, got {ErrorRate.ToString(CultureInfo.InvariantCulture)}");
        }
        if (ErrorStatus is not (500 or 503))
        {
            throw new ArgumentException($"error_status must be 500 or 503, got {ErrorStatus}");
        }
        if (DropStreamAfterTokens is < 0)
        {
            throw new ArgumentException($"drop_stream_after_tokens must be 0 or more, got {DropStreamAfterTokens}");
        }
        if (MidStreamErrorAfterTokens is < 0)
        {
            throw new ArgumentException($"mid_stream_error_after_tokens must be 0 or more, got {MidStreamErrorAfterTokens}");
        }
        return this;
    }

    /// <summary>
    /// Parses the command-line form: comma-separated <c>crash</c>, <c>hang</c>, <c>unhealthy</c>, <c>slow=K</c>,
    /// <c>error=FRACTION[:STATUS]</c>, <c>drop_stream=K</c>, <c>mid_stream_error=K</c>; e.g. <c>slow=2,error=0.1:503</c>. Empty or <c>none</c>: no faults.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown fault or a bad value.</exception>
    public static FaultOptions Parse(string spec)
    {
        var faults = None;
        foreach (var raw in spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = raw.IndexOf('=');
            var key = (eq < 0 ? raw : raw[..eq]).ToLowerInvariant().Replace('-', '_');
            var value = eq < 0 ? null : raw[(eq + 1)..];
            faults = key switch
            {
                "none" => None,
                "crash" => faults with { Crash = true },
                "hang" => faults with { Hang = true },
                "unhealthy" => faults with { Unhealthy = true },
                "slow" => faults with { Slow = Number(key, value) },
                "drop_stream" => faults with { DropStreamAfterTokens = (int)Number(key, value) },
                "mid_stream_error" => faults with { MidStreamErrorAfterTokens = (int)Number(key, value) },
                "error" => ParseError(faults, value),
                _ => throw new ArgumentException(
                    $"unknown fault '{raw}'; use crash, hang, unhealthy, slow=K, error=FRACTION[:500|503], drop_stream=K, mid_stream_error=K"),
            };
        }
        return faults.Validate();
    }

    private static FaultOptions ParseError(FaultOptions faults, string? value)
    {
        var parts = (value ?? "").Split(':');
        var rate = Number("error", parts[0]);
        var status = parts.Length > 1 ? (int)Number("error status", parts[1]) : 500;
        return faults with { ErrorRate = rate, ErrorStatus = status };
    }

    private static double Number(string key, string? value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
            ? d
            : throw new ArgumentException($"fault '{key}' needs a number, e.g. {key}=2");
}
