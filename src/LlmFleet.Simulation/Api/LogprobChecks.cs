using LlmFleet.Vllm.Versions;

namespace LlmFleet.Simulation.Api;

/// <summary>vLLM's checks of the logprob parameters (its request validators and <c>--max-logprobs</c>, default 20).</summary>
internal static class LogprobChecks
{
    /// <summary>vLLM's default <c>--max-logprobs</c>.</summary>
    public const int MaxLogprobs = 20;

    public static ErrorResponse? CheckChat(VllmWire wire, ChatCompletionRequest request)
    {
        if (request.TopLogprobs is { } top)
        {
            if (top < 0 && top != -1)
            {
                return VllmErrors.Validation(wire, "`top_logprobs` must be a positive value or -1.", "top_logprobs");
            }
            if (request.Logprobs != true && top != 0)
            {
                return VllmErrors.Validation(wire, "when using `top_logprobs`, `logprobs` must be set to true.", "top_logprobs");
            }
            if (top > MaxLogprobs)
            {
                return TooMany(top);
            }
        }
        return null;
    }

    public static ErrorResponse? CheckCompletion(CompletionRequest request) => request.Logprobs switch
    {
        < 0 => VllmErrors.Create(400, "`logprobs` must be a positive value.", "logprobs"),
        > MaxLogprobs => TooMany(request.Logprobs.Value),
        _ => null,
    };

    /// <summary>vLLM's checks of <c>prompt_logprobs</c> (protocol.py's <c>check_logprobs</c>, the engine's maximum).</summary>
    public static ErrorResponse? CheckPrompt(VllmWire wire, GenerationRequest request) => request.PromptLogprobs switch
    {
        > 0 or -1 when request.Stream == true =>
            VllmErrors.Validation(wire, "`prompt_logprobs` are not available when `stream=True`.", "prompt_logprobs"),
        < 0 and not -1 => VllmErrors.Validation(wire, "`prompt_logprobs` must be a positive value or -1.", "prompt_logprobs"),
        > MaxLogprobs => VllmErrors.Create(400,
            $"Requested prompt logprobs of {request.PromptLogprobs}, which is greater than max allowed: {MaxLogprobs}", "prompt_logprobs"),
        _ => null,
    };

    /// <summary>Candidates per prompt token when asked (-1: the most allowed), or null when not asked.</summary>
    public static int? PromptTop(GenerationRequest request) => request.PromptLogprobs is -1 ? MaxLogprobs : request.PromptLogprobs;

    private static ErrorResponse TooMany(int asked) =>
        VllmErrors.Create(400, $"Requested sample logprobs of {asked}, which is greater than max allowed: {MaxLogprobs}", "logprobs");
}
