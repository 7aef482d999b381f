namespace LlmFleet.Gateway.Access.Limits;

/// <summary>What <see cref="TokenEstimator"/> read from a request body.</summary>
public readonly record struct TokenEstimate(long PromptTokens, long MaxTokens, bool HasStreamOptions, bool IncludeUsage)
{
    /// <summary>Prompt plus the most the request may generate: what it is charged on admission.</summary>
    public long Total => PromptTokens + MaxTokens;
}
