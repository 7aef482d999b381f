using LlmFleet.Cli.Tests.Version;

namespace LlmFleet.Cli.Tests.Install;

/// <summary>
/// The README's first install route: <c>dotnet pack</c> makes the <c>llmfleet</c> tool package, and
/// <c>dotnet tool install</c> from that folder gives a working command. One test does both (packing is slow).
/// </summary>
public sealed class ToolPackageTests
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    [Fact]
    public async Task Pack_ThenToolInstallFromTheFolder_RunsModelsAndVersion()
    {
        var dir = TestPaths.NewTempDirectory("llmfleet-tool");
        try
        {
            var feed = Path.Combine(dir, "feed");
            // The CLI was built with this test project: pack that build instead of building it again.
            var pack = await ProgramRun.RunAsync(ProgramRun.Dotnet,
                ["pack", Path.Combine(TestPaths.RepoRoot, "src", "LlmFleet.Cli"), "--no-build", "-c", Configuration, "-o", feed],
                TimeSpan.FromMinutes(5));
            Assert.True(pack.ExitCode == 0, pack.Output + pack.Error);
            Assert.True(File.Exists(Path.Combine(feed, $"llmfleet.{VersionCommandTests.DeclaredVersion()}.nupkg")), pack.Output);

            // Only the folder as a source (a tool package has no dependencies to fetch), and a package cache of
            // its own so a stale llmfleet of the same version in the user's cache cannot stand in for this one.
            var config = Path.Combine(dir, "nuget.config");
            await File.WriteAllTextAsync(config, "<configuration><packageSources><clear /></packageSources></configuration>", TestContext.Current.CancellationToken);
            var tools = Path.Combine(dir, "tools");
            var install = await ProgramRun.RunAsync(ProgramRun.Dotnet,
                ["tool", "install", "llmfleet", "--tool-path", tools, "--add-source", feed, "--configfile", config],
                TimeSpan.FromMinutes(3), new Dictionary<string, string?> { ["NUGET_PACKAGES"] = Path.Combine(dir, "packages") });
            Assert.True(install.ExitCode == 0, install.Output + install.Error);

            var llmfleet = Path.Combine(tools, OperatingSystem.IsWindows() ? "llmfleet.exe" : "llmfleet");
            var models = await ProgramRun.RunAsync(llmfleet, ["models"], TimeSpan.FromMinutes(1));
            Assert.True(models.ExitCode == 0, models.Error);
            Assert.Contains("glm-5.2", models.Output, StringComparison.Ordinal);
            var version = await ProgramRun.RunAsync(llmfleet, ["--version"], TimeSpan.FromMinutes(1));
            Assert.Equal(0, version.ExitCode);
            Assert.StartsWith($"llmfleet {VersionCommandTests.DeclaredVersion()}", version.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
