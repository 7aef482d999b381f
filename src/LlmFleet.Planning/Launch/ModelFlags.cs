using LlmFleet.Planning.Data;

namespace LlmFleet.Planning.Launch;

/// <summary>Per-model vLLM flags (tool-call and reasoning parsers), read from the embedded
/// <c>Data/Launch/model-flags.json</c>; the first entry whose <c>match</c> starts the model id wins.</summary>
internal static class ModelFlags
{
    private static readonly List<(string Match, string[] Flags)> Entries = Load();

    public static IReadOnlyList<string> For(string modelId) =>
        Entries.FirstOrDefault(e => modelId.StartsWith(e.Match, StringComparison.OrdinalIgnoreCase)).Flags ?? [];

    private static List<(string, string[])> Load()
    {
        using var doc = EmbeddedData.Parse("Launch/model-flags.json");
        return [.. doc.RootElement.GetProperty("models").EnumerateArray().Select(m => (
            m.GetProperty("match").GetString()!,
            m.GetProperty("flags").EnumerateArray().Select(f => f.GetString()!).ToArray()))];
    }
}
