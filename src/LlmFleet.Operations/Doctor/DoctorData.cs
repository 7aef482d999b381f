using System.Text.Json;

namespace LlmFleet.Operations.Doctor;

/// <summary>What an engine build needs from the host (Data/engines.json).</summary>
public sealed record EngineRequirements(string Id, Version Cuda, Version? PythonMin, Version? PythonMax, bool RequiresGpu,
    bool RequiresLinux, IReadOnlyList<string> Packages, string Source);

/// <summary>
/// The facts about the world <c>doctor</c> compares the host with, read once from JSON embedded from <c>Data/</c>,
/// each entry with its source: the CUDA driver table, engine requirements, nvidia-smi GPU names.
/// </summary>
public static class DoctorData
{
    private const string Prefix = "LlmFleet.Operations.Data.";

    /// <summary>Minimum driver per CUDA toolkit version.</summary>
    public static IReadOnlyDictionary<Version, Version> ToolkitMinDriver { get; }

    /// <summary>Minimum driver per CUDA major version through minor-version compatibility.</summary>
    public static IReadOnlyDictionary<int, Version> MinorCompatMinDriver { get; }

    public static IReadOnlyDictionary<string, EngineRequirements> Engines { get; }

    /// <summary>nvidia-smi name prefixes and their hardware ids, longest prefix first.</summary>
    public static IReadOnlyList<(string Prefix, string HardwareId)> GpuNames { get; }

    static DoctorData()
    {
        using var cuda = Load("cuda-drivers.json");
        ToolkitMinDriver = cuda.RootElement.GetProperty("toolkits").EnumerateArray()
            .ToDictionary(t => Version.Parse(t.GetProperty("cuda").GetString()!), t => ParseDriver(t.GetProperty("min_driver").GetString()!));
        MinorCompatMinDriver = cuda.RootElement.GetProperty("minor_version_compatibility").EnumerateArray()
            .ToDictionary(t => t.GetProperty("major").GetInt32(), t => ParseDriver(t.GetProperty("min_driver").GetString()!));

        using var engines = Load("engines.json");
        Engines = engines.RootElement.GetProperty("engines").EnumerateArray().Select(e => new EngineRequirements(
            e.GetProperty("id").GetString()!,
            Version.Parse(e.GetProperty("cuda").GetString()!),
            OptionalVersion(e, "python_min"),
            OptionalVersion(e, "python_max"),
            e.GetProperty("requires_gpu").GetBoolean(),
            e.GetProperty("requires_linux").GetBoolean(),
            [.. e.GetProperty("packages").EnumerateArray().Select(p => p.GetString()!)],
            e.GetProperty("source").GetString()!)).ToDictionary(e => e.Id, StringComparer.OrdinalIgnoreCase);

        using var names = Load("gpu-names.json");
        GpuNames = [.. names.RootElement.GetProperty("gpus").EnumerateArray()
            .Select(g => (g.GetProperty("nvidia_smi_name").GetString()!, g.GetProperty("hardware_id").GetString()!))
            .OrderByDescending(g => g.Item1.Length)];
    }

    /// <summary>The hardware catalog id for a GPU name as nvidia-smi prints it; null when it is not catalogued.</summary>
    public static string? HardwareIdFor(string nvidiaSmiName) =>
        GpuNames.FirstOrDefault(g => nvidiaSmiName.StartsWith(g.Prefix, StringComparison.OrdinalIgnoreCase)).HardwareId;

    /// <summary>Driver versions have two or three parts ("570.26", "580.82.07"); the middle part may have a leading zero.</summary>
    public static Version ParseDriver(string text) => Version.Parse(text.Trim());

    public static bool TryParseDriver(string? text, out Version version) => Version.TryParse(text?.Trim(), out version!);

    private static Version? OptionalVersion(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? Version.Parse(v.GetString()!) : null;

    private static JsonDocument Load(string name)
    {
        using var stream = typeof(DoctorData).Assembly.GetManifestResourceStream(Prefix + name)
            ?? throw new InvalidOperationException($"embedded resource {Prefix + name} is missing");
        return JsonDocument.Parse(stream);
    }
}
