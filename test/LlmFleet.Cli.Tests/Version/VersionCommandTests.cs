using System.Runtime.InteropServices;
using System.Text.Json;
using System.Xml.Linq;

namespace LlmFleet.Cli.Tests.Version;

public sealed class VersionCommandTests
{
    /// <summary>The one version the repository declares.</summary>
    internal static string DeclaredVersion() =>
        XDocument.Load(Path.Combine(TestPaths.RepoRoot, "Directory.Build.props")).Descendants("Version").Single().Value;

    [Fact]
    public async Task Version_Json_NamesTheDeclaredVersionRuntimeAndPlatform()
    {
        var r = await CliRun.RunAsync("version", "--json");
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Output);
        var root = doc.RootElement;
        Assert.Equal(DeclaredVersion(), root.GetProperty("version").GetString());
        Assert.Equal(RuntimeInformation.FrameworkDescription, root.GetProperty("runtime").GetString());
        Assert.Equal(RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant(), root.GetProperty("architecture").GetString());
        Assert.False(string.IsNullOrEmpty(root.GetProperty("os").GetString()));
        // Built from a git checkout, the commit is the one the SDK found there.
        var commit = root.GetProperty("commit").GetString();
        if (Directory.Exists(Path.Combine(TestPaths.RepoRoot, ".git")) || File.Exists(Path.Combine(TestPaths.RepoRoot, ".git")))
        {
            Assert.Matches("^[0-9a-f]{40}$", commit);
        }
    }

    [Fact]
    public async Task DashDashVersion_PrintsTheVersionLine()
    {
        var r = await CliRun.RunAsync("--version");
        Assert.Equal(0, r.ExitCode);
        Assert.StartsWith($"llmfleet {DeclaredVersion()}", r.Output, StringComparison.Ordinal);
        Assert.Contains(RuntimeInformation.FrameworkDescription, r.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Version_UnknownOption_IsBadUsage()
    {
        var r = await CliRun.RunAsync("version", "--jsn");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--jsn", r.Error, StringComparison.Ordinal);
    }
}
