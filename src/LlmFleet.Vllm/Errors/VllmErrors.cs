namespace LlmFleet.Vllm.Errors;

/// <summary>The errors vLLM's OpenAI server answers with, with its messages and types.</summary>
public static class VllmErrors
{
    public static ErrorResponse Create(int status, string message, string? param = null) =>
        new() { Error = new ErrorInfo { Message = message, Type = TypeFor(status), Param = param, Code = status } };

    /// <summary>A prompt longer than <c>--max-model-len</c> (HTTP 400).</summary>
    public static ErrorResponse PromptTooLong(long maxModelLen, int promptTokens) =>
        Create(400, $"This model's maximum context length is {maxModelLen} tokens. However, your request has " +
            $"{promptTokens} input tokens. Please reduce the length of the input messages.");

    /// <summary>
    /// vLLM's renderer (0.16 and later): the prompt does not fit next to the requested output
    /// (<paramref name="requestedMaxTokens"/>, 0 when the request set none), HTTP 400 with <c>param: "input_tokens"</c>.
    /// vllm/renderers/params.py words it; vllm/exceptions.py appends the parameter and value.
    /// </summary>
    public static ErrorResponse InputTokensTooMany(long maxModelLen, int promptTokens, int requestedMaxTokens) =>
        Create(400, $"You passed {promptTokens} input tokens and requested {requestedMaxTokens} output tokens. However, " +
            $"the model's context length is only {maxModelLen} tokens, resulting in a maximum input length of " +
            $"{maxModelLen - requestedMaxTokens} tokens. Please reduce the length of the input prompt. " +
            $"(parameter=input_tokens, value={promptTokens})", "input_tokens");

    /// <summary>vLLM's renderer (0.16 and later): <c>max_tokens</c> alone exceeds the context (HTTP 400).</summary>
    public static ErrorResponse MaxTokensOverContext(long maxModelLen, int requestedMaxTokens) =>
        Create(400, $"max_tokens={requestedMaxTokens} cannot be greater than max_model_len=max_total_tokens={maxModelLen}. " +
            $"Please request fewer output tokens. (parameter=max_tokens, value={requestedMaxTokens})", "max_tokens");

    /// <summary>A request vLLM's validators refuse (HTTP 400); the version decides whether <c>param</c> names the field.</summary>
    public static ErrorResponse Validation(Versions.VllmWire wire, string message, string param) =>
        Create(400, message, wire.ValidationErrorParam ? param : null);

    /// <summary>A prompt that fits but leaves less room than <c>max_tokens</c> asks for (HTTP 400).</summary>
    public static ErrorResponse MaxTokensTooLarge(long maxModelLen, int promptTokens, int maxTokens) =>
        Create(400, $"'max_tokens' or 'max_completion_tokens' is too large: {maxTokens}. This model's maximum context " +
            $"length is {maxModelLen} tokens and your request has {promptTokens} input tokens " +
            $"({maxTokens} > {maxModelLen} - {promptTokens}).", "max_tokens");

    /// <summary>A <c>model</c> that this server does not serve (HTTP 404).</summary>
    public static ErrorResponse ModelNotFound(string model) =>
        Create(404, $"The model `{model}` does not exist.", "model");

    /// <summary>
    /// The Responses API's errors (vllm/entrypoints/openai/responses/serving.py): typed <c>invalid_request_error</c>,
    /// not by status.
    /// </summary>
    public static ErrorResponse InvalidRequest(int status, string message, string? param = null) =>
        new() { Error = new ErrorInfo { Message = message, Type = "invalid_request_error", Param = param, Code = status } };

    /// <summary><c>GET</c> or <c>cancel</c> of a response this server does not hold (HTTP 404), vLLM's <c>_make_not_found_error</c>.</summary>
    public static ErrorResponse ResponseNotFound(string responseId) =>
        InvalidRequest(404, $"Response with id '{responseId}' not found.");

    /// <summary>Cancelling a response that is not queued or in progress (HTTP 400).</summary>
    public static ErrorResponse CannotCancelSynchronous() => InvalidRequest(400, "Cannot cancel a synchronous response.");

    /// <summary><c>background</c> without <c>VLLM_ENABLE_RESPONSES_API_STORE=1</c> (HTTP 400).</summary>
    public static ErrorResponse BackgroundNeedsStore() => InvalidRequest(400,
        "This vLLM engine does not support `store=True` and therefore does not support the background mode. To " +
        "enable these features, set the environment variable `VLLM_ENABLE_RESPONSES_API_STORE=1` when launching " +
        "the vLLM server.", "background");

    /// <summary>The name vLLM gives to an HTTP status in <c>error.type</c>.</summary>
    public static string TypeFor(int status) => status switch
    {
        400 => "BadRequestError",
        401 => "UnauthorizedError",
        404 => "NotFoundError",
        422 => "UnprocessableEntityError",
        429 => "RateLimitError",
        500 => "InternalServerError",
        501 => "NotImplementedError",
        503 => "ServiceUnavailableError",
        _ => "Error",
    };
}
