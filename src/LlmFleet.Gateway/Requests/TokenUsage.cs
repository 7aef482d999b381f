namespace LlmFleet.Gateway.Requests;

/// <summary>Token counts of one request as the backend reported them in <c>usage</c>.</summary>
public readonly record struct TokenUsage(long PromptTokens, long CompletionTokens);
