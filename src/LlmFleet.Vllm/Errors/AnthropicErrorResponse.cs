namespace LlmFleet.Vllm.Errors;

/// <summary>
/// The error body of Anthropic's Messages API, which vLLM's <c>/v1/messages</c> answers with
/// (vllm/entrypoints/anthropic/protocol.py, <c>AnthropicErrorResponse</c>):
/// <c>{"type": "error", "error": {"type", "message"}}</c>.
/// </summary>
public sealed class AnthropicErrorResponse
{
    public string Type { get; set; } = "error";

    public AnthropicError Error { get; set; } = new("api_error", "");

    public static AnthropicErrorResponse Create(int status, string message) => new() { Error = new AnthropicError(TypeFor(status), message) };

    /// <summary>Anthropic's error type for an HTTP status (its "Errors" page): 503 is <c>overloaded_error</c>, as
    /// Anthropic answers when it cannot take the request now; other 5xx are <c>api_error</c>.</summary>
    public static string TypeFor(int status) => status switch
    {
        401 => "authentication_error",
        403 => "permission_error",
        404 => "not_found_error",
        413 => "request_too_large",
        429 => "rate_limit_error",
        503 or 529 => "overloaded_error",
        >= 500 => "api_error",
        _ => "invalid_request_error",
    };
}

public sealed record AnthropicError(string Type, string Message);
