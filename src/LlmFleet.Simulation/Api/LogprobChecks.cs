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

    private static ErrorResponse TooMany(int asked) =>
        VllmErrors.Create(400, $"Requested sample logprobs of {asked}, which is greater than max allowed: {MaxLogprobs}", "logprobs");
}
