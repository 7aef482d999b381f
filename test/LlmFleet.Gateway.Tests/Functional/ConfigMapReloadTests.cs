using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Text.Json;
using LlmFleet.Gateway.Hosting;
using LlmFleet.Simulation;

namespace LlmFleet.Gateway.Tests.Functional;

/// <summary>
/// <c>fleet.yaml</c> mounted from a Kubernetes ConfigMap: updates arrive as the kubelet writes them (a new
/// timestamped folder, a <c>..data_tmp</c> link renamed over <c>..data</c>), never as a write to the file itself.
/// </summary>
public sealed class ConfigMapReloadTests
{
    /// <summary>A ConfigMap volume, written the way the kubelet's atomic writer does.</summary>
    private sealed class ConfigMapVolume(string dir)
    {
        private int _generation;
        private string? _current;

        public string FilePath => Path.Combine(dir, "fleet.yaml");

        public void Publish(string yaml)
        {
            // 1. The new content in a fresh timestamped folder.
            var stamp = $"..2026_12_05_09_30_{_generation++.ToString("00", CultureInfo.InvariantCulture)}.{Random.Shared.Next(100_000_000, 999_999_999)}";
            Directory.CreateDirectory(Path.Combine(dir, stamp));
            File.WriteAllText(Path.Combine(dir, stamp, "fleet.yaml"), yaml);
            // 2. A ..data_tmp link to it, 3. renamed over ..data in one step (rename(2) replaces the old link).
            var tmp = Path.Combine(dir, "..data_tmp");
            File.CreateSymbolicLink(tmp, stamp);
            if (Rename(tmp, Path.Combine(dir, "..data")) != 0)
            {
                throw new IOException($"rename(2) failed: errno {Marshal.GetLastPInvokeError()}");
            }
            // 4. The user-visible name, once: fleet.yaml -> ..data/fleet.yaml.
            if (_current is null)
            {
                File.CreateSymbolicLink(FilePath, Path.Combine("..data", "fleet.yaml"));
            }
            // 5. The old folder goes.
            if (_current is not null)
            {
                Directory.Delete(Path.Combine(dir, _current), recursive: true);
            }
            _current = stamp;
        }

        /// <summary>rename(2), as the kubelet calls it: .NET's File.Move follows a link to a folder and refuses it.</summary>
        [DllImport("libc", EntryPoint = "rename", SetLastError = true)]
        private static extern int Rename([MarshalAs(UnmanagedType.LPUTF8Str)] string oldPath, [MarshalAs(UnmanagedType.LPUTF8Str)] string newPath);
    }

    private static readonly TimeSpan WithinPoll = FleetConfigWatcher.PollInterval + TimeSpan.FromSeconds(5);

    [Fact]
    public async Task ConfigMapUpdate_DataLinkSwap_IsReloaded()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "ConfigMap volumes are Linux symlinks");
        var ct = TestContext.Current.CancellationToken;
        await using var a = await FleetBuilder.StartTwinAsync();
        await using var b = await FleetBuilder.StartTwinAsync();
        var volume = new ConfigMapVolume(TestPaths.NewTempDirectory());
        volume.Publish(Readable(("glm-5.2", [a])));
        await using var gateway = await FleetBuilder.StartGatewayAsync(new GatewayOptions { ConfigPath = volume.FilePath });
        using var client = new HttpClient { BaseAddress = gateway.BaseAddress };

        volume.Publish(Readable(("glm-5.2", [b]), ("other", [a])));
        await Poll.UntilAsync(() => Task.FromResult(gateway.State.Current.Pools.Count == 2), WithinPoll, "the ConfigMap update to be reloaded");

        Assert.Equal(b.BaseAddress.Authority, gateway.State.Current.Pools[0].Backends.Single().State.Name);
        using var response = await client.PostAsync("v1/chat/completions", TestFleet.Json(TestFleet.ChatJson(model: "other")), ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var config = await ConfigStatus(client);
        Assert.Equal(0, config.GetProperty("reload_failures").GetInt64());
        Assert.True(config.GetProperty("last_reload_succeeded").GetBoolean());
        Assert.Equal(Path.GetFullPath(volume.FilePath), config.GetProperty("path").GetString());
    }

    [Fact]
    public async Task ConfigMapUpdate_BrokenFile_KeepsTheRunningConfigurationAndReportsIt()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "ConfigMap volumes are Linux symlinks");
        var ct = TestContext.Current.CancellationToken;
        await using var a = await FleetBuilder.StartTwinAsync();
        var volume = new ConfigMapVolume(TestPaths.NewTempDirectory());
        volume.Publish(Readable(("glm-5.2", [a])));
        await using var gateway = await FleetBuilder.StartGatewayAsync(new GatewayOptions { ConfigPath = volume.FilePath });
        using var client = new HttpClient { BaseAddress = gateway.BaseAddress };
        var before = gateway.State.Current;

        volume.Publish("models:\n  - name: glm-5.2\n    policy: fastest\n    backends: []\n");
        await Poll.UntilAsync(async () => (await ConfigStatus(client)).GetProperty("reload_failures").GetInt64() == 1, WithinPoll, "the refused reload to be reported");

        Assert.Same(before, gateway.State.Current);
        using var response = await client.PostAsync("v1/chat/completions", TestFleet.Json(TestFleet.ChatJson()), ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var config = await ConfigStatus(client);
        Assert.False(config.GetProperty("last_reload_succeeded").GetBoolean());
        Assert.Contains("fastest", config.GetProperty("last_error").GetString(), StringComparison.Ordinal);
        var metrics = await client.GetStringAsync("metrics", ct);
        Assert.Contains("llmfleet_gateway_config_reload_failures_total 1", metrics, StringComparison.Ordinal);
        Assert.Contains("llmfleet_gateway_config_last_reload_successful 0", metrics, StringComparison.Ordinal);

        // Fixing the file clears the alarm.
        volume.Publish(Readable(("glm-5.2", [a]), ("other", [a])));
        await Poll.UntilAsync(() => Task.FromResult(gateway.State.Current.Pools.Count == 2), WithinPoll, "the fixed file to be reloaded");
        Assert.Contains("llmfleet_gateway_config_last_reload_successful 1", await client.GetStringAsync("metrics", ct), StringComparison.Ordinal);
    }

    /// <summary>A fleet file whose <c>/admin/fleet</c> (where the reload status is) is open to read.</summary>
    private static string Readable(params (string Name, RunningTwin[] Twins)[] models) =>
        "monitoring: { public_read: true }\n" + HotReloadTests.Yaml(models);

    private static async Task<JsonElement> ConfigStatus(HttpClient client)
    {
        using var doc = JsonDocument.Parse(await client.GetStringAsync("admin/fleet", TestContext.Current.CancellationToken));
        return doc.RootElement.GetProperty("config").Clone();
    }
}
