namespace LlmFleet.Gateway.Requests;

/// <summary>Token counts of one request as the backend reported them in <c>usage</c>; <see cref="CachedTokens"/> from
/// <c>prompt_tokens_details.cached_tokens</c> (vLLM with <c>--enable-prompt-tokens-details</c>), else 0.</summary>
public readonly record struct TokenUsage(long PromptTokens, long CompletionTokens, long CachedTokens = 0);
