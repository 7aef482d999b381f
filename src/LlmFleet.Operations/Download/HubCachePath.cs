namespace LlmFleet.Operations.Download;

/// <summary>The hub cache folder as huggingface_hub (and so vLLM) resolves it: <c>HF_HUB_CACHE</c>, else
/// <c>HF_HOME/hub</c>, else <c>$XDG_CACHE_HOME/huggingface/hub</c>, else <c>~/.cache/huggingface/hub</c>.</summary>
public static class HubCachePath
{
    public static string Default() =>
        Environment.GetEnvironmentVariable("HF_HUB_CACHE") is { Length: > 0 } hubCache ? hubCache : Path.Combine(Home(), "hub");

    /// <summary>huggingface_hub's home (cache and token): <c>HF_HOME</c>, else <c>$XDG_CACHE_HOME/huggingface</c>, else
    /// <c>~/.cache/huggingface</c>.</summary>
    public static string Home() =>
        Environment.GetEnvironmentVariable("HF_HOME") is { Length: > 0 } hfHome
            ? hfHome
            : Path.Combine(Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
                ? xdg
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"), "huggingface");
}
