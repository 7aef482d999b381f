namespace LlmFleet.Planning.Performance;

/// <summary>
/// What a user calls interactive: every stream decodes at least <paramref name="MinStreamTokensPerSecond"/> and a new
/// request's first token arrives within <paramref name="MaxTtftSeconds"/> (at the plan's context). Goodput is the
/// throughput of the highest concurrency that still meets both.
/// </summary>
public sealed record InteractivityTarget(double MinStreamTokensPerSecond = InteractivityTarget.DefaultMinStreamTokensPerSecond,
    double MaxTtftSeconds = InteractivityTarget.DefaultMaxTtftSeconds)
{
    /// <summary>About reading speed with headroom: what chat products stream at the low end.</summary>
    public const double DefaultMinStreamTokensPerSecond = 20;

    public const double DefaultMaxTtftSeconds = 2;
}
