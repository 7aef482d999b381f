using System.Text.Json.Serialization;

namespace LlmFleet.Vllm.Errors;

/// <summary>vLLM's error body: <c>{"error": {"message", "type", "param", "code"}}</c>, where <c>code</c> is the HTTP status.</summary>
public sealed class ErrorResponse
{
    public ErrorInfo Error { get; set; } = new();
}

public sealed class ErrorInfo
{
    public string Message { get; set; } = "";

    /// <summary>vLLM names the HTTP status: <c>BadRequestError</c>, <c>NotFoundError</c>, <c>InternalServerError</c>…</summary>
    public string Type { get; set; } = "";

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Param { get; set; }

    public int Code { get; set; }
}
