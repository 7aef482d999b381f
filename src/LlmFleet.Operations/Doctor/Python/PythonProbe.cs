using System.Text.Json;
using LlmFleet.Operations.Doctor.Host;

namespace LlmFleet.Operations.Doctor.Python;

/// <summary>The Python that <c>vllm serve</c> would run under, and the versions of the packages it needs.</summary>
/// <param name="Packages">Installed version per package name; null where not installed.</param>
/// <param name="Absent">Why Python could not be asked (not installed, failed); null when it answered.</param>
public sealed record PythonEnvironment(Version? Version, string? Executable, IReadOnlyDictionary<string, string?> Packages, string? Absent);

/// <summary>
/// Asks <c>python3 -c</c> for its version and, through <c>importlib.metadata</c>, the installed versions of the
/// packages (reading metadata only: importing torch would take seconds and need a GPU).
/// </summary>
public static class PythonProbe
{
    public const string Command = "python3";

    private const string Script = """
        import sys, json
        from importlib import metadata
        def version(name):
            try:
                return metadata.version(name)
            except Exception:
                return None
        names = sys.argv[1:]
        print(json.dumps({"python": "%d.%d.%d" % sys.version_info[:3], "executable": sys.executable,
                          "packages": {n: version(n) for n in names}}))
        """;

    public static async Task<PythonEnvironment> RunAsync(ICommandRunner runner, IReadOnlyList<string> packages, CancellationToken cancellationToken)
    {
        var result = await runner.RunAsync(Command, ["-c", Script, .. packages], cancellationToken);
        if (result.NotFound)
        {
            return Absent("python3 is not installed or not on PATH");
        }
        if (!result.Succeeded)
        {
            return Absent($"python3 failed (exit code {result.ExitCode}): {result.Error.Trim()}");
        }
        return Parse(result.Output);
    }

    /// <summary>Reads the one JSON line the probe script prints.</summary>
    public static PythonEnvironment Parse(string output)
    {
        try
        {
            using var doc = JsonDocument.Parse(output);
            var root = doc.RootElement;
            var packages = root.GetProperty("packages").EnumerateObject()
                .ToDictionary(p => p.Name, p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : null, StringComparer.Ordinal);
            return new PythonEnvironment(Version.Parse(root.GetProperty("python").GetString()!), root.GetProperty("executable").GetString(), packages, null);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or FormatException or InvalidOperationException)
        {
            return Absent($"could not read python3's answer ({e.Message})");
        }
    }

    private static PythonEnvironment Absent(string why) => new(null, null, new Dictionary<string, string?>(), why);
}
