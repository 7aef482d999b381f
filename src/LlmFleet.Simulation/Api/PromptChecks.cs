using LlmFleet.Simulation.Hosting;
using LlmFleet.Vllm.Versions;

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
        if (profile.Wire.ContextOverflow == VllmWire.OverflowInputTokens)
        {
            return CheckAsRenderer(profile, promptTokens, requestedMaxTokens, out maxTokens);
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

    /// <summary>vLLM 0.16 and later check the prompt against the context less the requested output, in one error.</summary>
    private static ErrorResponse? CheckAsRenderer(TwinProfile profile, int promptTokens, int? requestedMaxTokens, out int maxTokens)
    {
        maxTokens = 0;
        if (requestedMaxTokens is { } asked && asked > profile.MaxModelLen)
        {
            return VllmErrors.MaxTokensOverContext(profile.MaxModelLen, asked);
        }
        var requested = requestedMaxTokens ?? 0;
        if (promptTokens > profile.MaxModelLen - requested || promptTokens >= profile.MaxModelLen)
        {
            return VllmErrors.InputTokensTooMany(profile.MaxModelLen, promptTokens, requested);
        }
        maxTokens = requestedMaxTokens ?? (int)Math.Min(int.MaxValue, profile.MaxModelLen - promptTokens);
        return null;
    }

    public static ErrorResponse? CheckN(int? n) =>
        n is < 1 or > 128 ? VllmErrors.Create(400, $"n must be between 1 and 128, got {n}.", "n") : null;
}
