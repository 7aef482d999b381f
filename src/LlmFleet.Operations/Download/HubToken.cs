namespace LlmFleet.Operations.Download;

/// <summary>
/// The Hugging Face token as huggingface_hub finds it, so a machine where <c>hf auth login</c> ran needs nothing else:
/// <c>HF_TOKEN</c> (or its old name <c>HUGGING_FACE_HUB_TOKEN</c>), else the file named by <c>HF_TOKEN_PATH</c>, else
/// <c>token</c> in the hub's home (<see cref="HubCachePath.Home"/>: <c>$HF_HOME</c>, default
/// <c>~/.cache/huggingface</c>). Line breaks and surrounding whitespace are dropped; empty means no token.
/// </summary>
public static class HubToken
{
    public static string? Find()
    {
        foreach (var name in (string[])["HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"])
        {
            if (Clean(Environment.GetEnvironmentVariable(name)) is { } token)
            {
                return token;
            }
        }
        var file = Environment.GetEnvironmentVariable("HF_TOKEN_PATH") is { Length: > 0 } path ? path : Path.Combine(HubCachePath.Home(), "token");
        try
        {
            return File.Exists(file) ? Clean(File.ReadAllText(file)) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DownloadException($"cannot read the Hugging Face token file {file}: {e.Message}");
        }
    }

    private static string? Clean(string? token) =>
        token?.Replace("\r", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal).Trim() is { Length: > 0 } t ? t : null;
}
