namespace LlmFleet.Gateway.Access.Ledger;

/// <summary>Ledger rows summed over one group (a key, a model or a UTC day).</summary>
public sealed record UsageTotal
{
    /// <summary>The key id, the model name or the day (<c>yyyy-MM-dd</c>); <c>-</c> for requests without a key.</summary>
    public required string Group { get; init; }

    /// <summary>The key's name when grouped by key.</summary>
    public string? Name { get; init; }

    public long Requests { get; init; }

    public long PromptTokens { get; init; }

    public long CompletionTokens { get; init; }

    public long CachedTokens { get; init; }

    /// <summary>At the configured internal price per million tokens.</summary>
    public decimal Cost { get; init; }
}
