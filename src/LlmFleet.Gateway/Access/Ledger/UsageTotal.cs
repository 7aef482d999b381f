namespace LlmFleet.Gateway.Access.Ledger;

/// <summary>Ledger rows summed over one group (a key, a team, a model, a provider or a UTC day).</summary>
public sealed record UsageTotal
{
    /// <summary>The key id, the team, the model name, the provider's host (<c>self-hosted</c> for our backends) or the
    /// day (<c>yyyy-MM-dd</c>); <c>-</c> for requests without a key or team.</summary>
    public required string Group { get; init; }

    /// <summary>The key's name when grouped by key.</summary>
    public string? Name { get; init; }

    public long Requests { get; init; }

    public long PromptTokens { get; init; }

    public long CompletionTokens { get; init; }

    public long CachedTokens { get; init; }

    /// <summary>Dollars, the sum of each row's cost as recorded (provider list prices or the internal price).</summary>
    public decimal CostUsd { get; init; }

    /// <summary>Requests answered by a fallback pool rather than the model asked for.</summary>
    public long SpilledRequests { get; init; }

    /// <summary>Requests answered by an external provider.</summary>
    public long ExternalRequests { get; init; }

    /// <summary><see cref="SpilledRequests"/> / <see cref="Requests"/>: the spillover share (per day with <c>--by day</c>).</summary>
    public double SpillShare => Requests == 0 ? 0 : (double)SpilledRequests / Requests;
}
