using System.Text.Json;

namespace LlmFleet.Operations.Deploy;

/// <summary>
/// Facts the artefacts rely on, read from the embedded <c>Data/*.json</c> (each with its source): pinned image tags,
/// the start-up allowance and the shared-memory size.
/// </summary>
internal static class DeployDefaults
{
    private static readonly JsonElement Images = Load("vllm-images.json");
    private static readonly JsonElement Startup = Load("startup.json");

    public static string VllmImageRepository => Images.GetProperty("image").GetString()!;

    public static string PrometheusImage => Images.GetProperty("prometheus_image").GetString()!;

    public static long ShmBytes => Startup.GetProperty("shm_bytes").GetInt64();

    /// <summary>The vLLM image tag for a model: the first entry whose <c>match</c> starts the id, else the default.</summary>
    public static string VllmImageTag(string modelId)
    {
        foreach (var m in Images.GetProperty("models").EnumerateArray())
        {
            if (modelId.StartsWith(m.GetProperty("match").GetString()!, StringComparison.OrdinalIgnoreCase))
            {
                return m.GetProperty("tag").GetString()!;
            }
        }
        return Images.GetProperty("default_tag").GetString()!;
    }

    /// <summary>Seconds a server may take from start to a healthy <c>/health</c>: fixed start-up work plus reading
    /// (on first start, downloading) the weights one node holds, rounded up to whole minutes.</summary>
    public static int StartupSeconds(long weightsBytesPerNode)
    {
        var seconds = Startup.GetProperty("fixed_seconds").GetDouble()
            + weightsBytesPerNode / Startup.GetProperty("weights_bytes_per_second").GetDouble();
        return (int)Math.Ceiling(seconds / 60) * 60;
    }

    private static JsonElement Load(string name)
    {
        using var stream = typeof(DeployDefaults).Assembly.GetManifestResourceStream($"LlmFleet.Operations.Deploy.Data.{name}")
            ?? throw new InvalidDataException($"missing embedded Deploy/Data/{name}");
        using var doc = JsonDocument.Parse(stream);
        return doc.RootElement.Clone();
    }
}
