using System.Reflection;

namespace LlmFleet.Testing;

/// <summary>Paths of the checkout the tests were built from.</summary>
internal static class TestPaths
{
    /// <summary>The repository root, recorded at build time (build output may live outside the tree).</summary>
    public static string RepoRoot { get; } = typeof(TestPaths).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepoRoot").Value!;

    /// <summary>A file or folder under <c>testassets/</c>.</summary>
    public static string Asset(params string[] parts) =>
        Path.Combine([RepoRoot, "testassets", .. parts]);

    /// <summary>A fresh empty folder under the system temp folder, for files a test writes.</summary>
    public static string NewTempDirectory(string prefix = "llmfleet-test")
    {
        var dir = Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }
}
