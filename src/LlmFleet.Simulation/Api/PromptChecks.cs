using LlmFleet.Simulation.Hosting;

namespace LlmFleet.Simulation.Api;

/// <summary>vLLM's checks of a prompt against <c>--max-model-len</c>, and the output limit it then applies.</summary>
internal static class PromptChecks
{
    /// <summary>The error vLLM answers, or null; <paramref name="maxTokens"/> is the output limit to use.</summary>
    public static ErrorResponse? Check(TwinProfile profile, int promptTokens, int? requestedMaxTokens, out int maxTokens)
    {
        maxTokens = 0;
        if (requestedMaxTokens is < 1)
        {
            return VllmErrors.Create(400, $"max_tokens must be at least 1, got {requestedMaxTokens}.", "max_tokens");
        }
        if (promptTokens > profile.MaxModelLen)
        {
            return VllmErrors.PromptTooLong(profile.MaxModelLen, promptTokens);
        }
        var room = (int)Math.Min(int.MaxValue, profile.MaxModelLen - promptTokens);
        if (requestedMaxTokens is { } asked && asked > room || room < 1)
        {
            return VllmErrors.MaxTokensTooLarge(profile.MaxModelLen, promptTokens, requestedMaxTokens ?? 1);
        }
        maxTokens = requestedMaxTokens ?? room;
        return null;
    }

    public static ErrorResponse? CheckN(int? n) =>
        n is < 1 or > 128 ? VllmErrors.Create(400, $"n must be between 1 and 128, got {n}.", "n") : null;
}
