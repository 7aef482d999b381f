using LlmFleet.Cli.Tests.Version;

namespace LlmFleet.Cli.Tests.Install;

/// <summary>
/// The linux-x64 release binary that <c>eng/release.sh</c> writes (CI runs the script before the tests) runs on a
/// machine without .NET: no <c>dotnet</c> on PATH, no DOTNET_ROOT, nothing of the test's environment.
/// </summary>
public sealed class ReleaseBinaryTests
{
    [Fact]
    public async Task LinuxX64Binary_WithoutDotnet_RunsModelsAndVersion()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() && System.Runtime.InteropServices.RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.X64,
            "the linux-x64 binary runs only on linux-x64");
        var binary = Path.Combine(ReleaseDirectory(), "linux-x64", "llmfleet");
        Assert.SkipUnless(File.Exists(binary), $"{binary} is not built: run eng/release.sh linux-x64 first (.ci/run does)");

        var empty = TestPaths.NewTempDirectory("llmfleet-nodotnet");
        try
        {
            var environment = new Dictionary<string, string?> { ["PATH"] = empty, ["HOME"] = empty, ["DOTNET_ROOT"] = empty };
            var models = await ProgramRun.RunAsync(binary, ["models"], TimeSpan.FromMinutes(1), environment, clearEnvironment: true);
            Assert.True(models.ExitCode == 0, models.Error);
            Assert.Contains("glm-5.2", models.Output, StringComparison.Ordinal);
            var version = await ProgramRun.RunAsync(binary, ["--version"], TimeSpan.FromMinutes(1), environment, clearEnvironment: true);
            Assert.Equal(0, version.ExitCode);
            Assert.StartsWith($"llmfleet {VersionCommandTests.DeclaredVersion()}", version.Output, StringComparison.Ordinal);
            // One file: nothing beside it to load.
            Assert.Equal("llmfleet", Path.GetFileName(Assert.Single(Directory.GetFiles(Path.GetDirectoryName(binary)!))));
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }

    /// <summary>Where eng/release.sh writes, by the same rule.</summary>
    private static string ReleaseDirectory() =>
        Environment.GetEnvironmentVariable("LLMFLEET_RELEASE_DIR") is { Length: > 0 } release ? release
        : Path.Combine(Environment.GetEnvironmentVariable("LLMFLEET_ARTIFACTS") is { Length: > 0 } artifacts ? artifacts : Path.Combine(TestPaths.RepoRoot, "artifacts"), "release");
}
