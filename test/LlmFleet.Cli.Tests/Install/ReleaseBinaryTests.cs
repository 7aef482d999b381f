using System.ClientModel;
using System.Text.Json;
using LlmFleet.Cli.Tests.Keys;
using LlmFleet.Cli.Tests.Version;
using OpenAI;
using OpenAI.Chat;

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
        var binary = Binary();
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

    /// <summary>
    /// What the image runs: the binary's gateway in front of the binary's vLLM twin, keys and usage ledger in SQLite
    /// (whose native library the binary carries), the official OpenAI client plain and streaming, still with no .NET.
    /// </summary>
    [Fact]
    public async Task LinuxX64Binary_ServesAGatewayWithKeysAndLedger_ToTheOpenAiClient()
    {
        var binary = Binary();
        var home = TestPaths.NewTempDirectory("llmfleet-nodotnet-home");
        var environment = new Dictionary<string, string?> { ["PATH"] = home, ["HOME"] = home, ["DOTNET_ROOT"] = home };
        var limit = TimeSpan.FromMinutes(1);
        try
        {
            await using var twin = RunningProgram.Start(binary, ["sim", "llama-3.1-8b", "--gpu", "h100", "--gpus", "1", "--port", "0", "--served-model-name", "glm-5.2", "--speed", "0"], environment);
            var backend = await twin.ListeningAsync(limit);
            var config = FleetFile.Write(backend.GetLeftPart(UriPartial.Authority), "glm-5.2");
            var created = await ProgramRun.RunAsync(binary, ["keys", "create", "--config", config, "--name", "app", "--json"], limit, environment, clearEnvironment: true);
            Assert.True(created.ExitCode == 0, created.Error);
            var key = JsonDocument.Parse(created.Output).RootElement.GetProperty("key").GetString()!;
            await using var gateway = RunningProgram.Start(binary, ["serve", "--config", config], environment);
            var endpoint = new Uri(await gateway.ListeningAsync(limit), "/v1");

            var chat = new OpenAIClient(new ApiKeyCredential(key), new OpenAIClientOptions { Endpoint = endpoint }).GetChatClient("glm");
            var options = new ChatCompletionOptions { MaxOutputTokenCount = 8 };
            ChatCompletion answer = await chat.CompleteChatAsync([new UserChatMessage("Say hi.")], options, TestContext.Current.CancellationToken);
            Assert.NotEmpty(answer.Content[0].Text);
            var streamed = new List<string>();
            await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("Say hi.")], options, TestContext.Current.CancellationToken))
            {
                streamed.AddRange(update.ContentUpdate.Select(c => c.Text));
            }
            Assert.NotEmpty(string.Concat(streamed));

            // The ledger reaches the store within its flush interval; `usage` from the binary reads it back.
            var requests = 0L;
            for (var tries = 0; tries < 100 && requests < 2; tries++)
            {
                await Task.Delay(100, TestContext.Current.CancellationToken);
                var usage = await ProgramRun.RunAsync(binary, ["usage", "--config", config, "--json"], limit, environment, clearEnvironment: true);
                Assert.True(usage.ExitCode == 0, usage.Error);
                requests = JsonDocument.Parse(usage.Output).RootElement.EnumerateArray().Sum(row => row.GetProperty("requests").GetInt64());
            }
            Assert.True(requests == 2, $"ledger rows: {requests}\n{gateway.Printed}");
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    private static string Binary()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() && System.Runtime.InteropServices.RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.X64,
            "the linux-x64 binary runs only on linux-x64");
        var binary = Path.Combine(ReleaseDirectory(), "linux-x64", "llmfleet");
        Assert.SkipUnless(File.Exists(binary), $"{binary} is not built: run eng/release.sh linux-x64 first (.ci/run does)");
        return binary;
    }

    /// <summary>Where eng/release.sh writes, by the same rule.</summary>
    private static string ReleaseDirectory() =>
        Environment.GetEnvironmentVariable("LLMFLEET_RELEASE_DIR") is { Length: > 0 } release ? release
        : Path.Combine(Environment.GetEnvironmentVariable("LLMFLEET_ARTIFACTS") is { Length: > 0 } artifacts ? artifacts : Path.Combine(TestPaths.RepoRoot, "artifacts"), "release");
}
