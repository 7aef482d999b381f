using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace LlmFleet.Planning.Data;

/// <summary>The planner's data files, embedded from <c>Data/</c> and opened by their path below it
/// (<c>Calibration/engines.json</c>).</summary>
internal static class EmbeddedData
{
    /// <exception cref="InvalidDataException">The file is not embedded.</exception>
    public static JsonDocument Parse(string path)
    {
        var name = "LlmFleet.Planning.Data." + path.Replace('/', '.');
        using var stream = typeof(EmbeddedData).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidDataException($"missing embedded Data/{path}");
        return JsonDocument.Parse(stream);
    }

    /// <summary>The array under <paramref name="property"/>, each element read as a <typeparamref name="T"/> from its
    /// snake_case keys (<paramref name="type"/> comes from <see cref="PlanningDataJsonContext"/>).</summary>
    public static List<T> ReadList<T>(string path, string property, JsonTypeInfo<T> type)
    {
        using var doc = Parse(path);
        return [.. doc.RootElement.GetProperty(property).EnumerateArray().Select(e => e.Deserialize(type)!)];
    }
}
