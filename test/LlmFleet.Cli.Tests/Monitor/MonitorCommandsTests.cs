using System.Diagnostics;
using System.Text.Json;
using LlmFleet.Simulation;

namespace LlmFleet.Cli.Tests.Monitor;

/// <summary><c>top</c>, <c>diagnose</c>, <c>drain</c> and <c>alerts export</c> against a real gateway over twins.</summary>
public sealed class MonitorCommandsTests
{
    [Fact]
    public async Task Top_OnceAgainstGateway_ShowsEveryBackendUpWithGpus()
    {
        await using var fleet = await MonitorFleet.StartAsync(twins: 2);
        await MonitorFleet.ChatAsync(fleet.Gateway.BaseAddress, count: 4);

        var result = await CliRun.RunAsync("top", "--gateway", fleet.Url, "--admin-key", fleet.AdminKey!, "--once");

        Assert.Equal(0, result.ExitCode);
        foreach (var twin in fleet.Twins)
        {
            Assert.Contains(twin.BaseAddress.Authority, result.Output);
        }
        Assert.Contains("no alerts firing", result.Output);
        Assert.Contains("TTFT p50/p95", result.Output);
    }

    [Fact]
    public async Task Top_OnceJsonDirectBackends_ComputesRatesWithoutAGateway()
    {
        await using var twin = await TwinHost.StartAsync(MonitorFleet.Twin(), ct: TestContext.Current.CancellationToken);
        await MonitorFleet.ChatAsync(twin.BaseAddress, count: 2, model: twin.ServedModelName);
        using var stop = new CancellationTokenSource();
        var traffic = Task.Run(async () =>
        {
            // Traffic for as long as the command runs, however long it takes to start on a busy machine.
            while (!stop.IsCancellationRequested)
            {
                await MonitorFleet.ChatAsync(twin.BaseAddress, count: 1, maxTokens: 16, model: twin.ServedModelName);
            }
        }, TestContext.Current.CancellationToken);

        var result = await CliRun.RunAsync("top", "--backend", twin.BaseAddress.ToString(), "--once", "--json", "--interval", "1");
        await stop.CancelAsync();
        await traffic;

        Assert.Equal(0, result.ExitCode);
        var backend = JsonDocument.Parse(result.Output).RootElement.GetProperty("models")[0].GetProperty("backends")[0];
        Assert.Equal("up", backend.GetProperty("status").GetString());
        Assert.True(backend.GetProperty("generation_tokens_per_second").GetDouble() > 0, result.Output);
    }

    [Fact]
    public async Task Top_NeitherGatewayNorBackend_ExitsTwo()
    {
        var result = await CliRun.RunAsync("top", "--once");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--gateway", result.Error);
    }

    [Fact]
    public async Task Diagnose_HealthyFleet_ExitsZero_UnhealthyBackend_NamesCauseAndFix()
    {
        await using var fleet = await MonitorFleet.StartAsync(twins: 2);

        var healthy = await CliRun.RunAsync("diagnose", "--gateway", fleet.Url, "--admin-key", fleet.AdminKey!);
        await fleet.InjectAsync(1, new FaultOptions { Unhealthy = true });
        await fleet.WaitForFleetAsync(f => f.AllBackends().Any(b => b.Status == "down"), "backend 2 down");
        var sick = await CliRun.RunAsync("diagnose", "--gateway", fleet.Url, "--admin-key", fleet.AdminKey!, "--json");
        var human = await CliRun.RunAsync("diagnose", "--gateway", fleet.Url, "--admin-key", fleet.AdminKey!);

        Assert.Equal(0, healthy.ExitCode);
        Assert.Contains("No problems found", healthy.Output);
        Assert.Equal(1, sick.ExitCode);
        var finding = JsonDocument.Parse(sick.Output).RootElement.GetProperty("findings")[0];
        Assert.Equal("backend_down", finding.GetProperty("rule").GetString());
        Assert.Equal(2, finding.GetProperty("backend_id").GetInt32());
        Assert.Contains("likely cause:", human.Output);
        Assert.Contains("fix:", human.Output);
    }

    [Fact]
    public async Task Drain_WaitThenUndrain_ReportsSafeToRestartAndRestores()
    {
        await using var fleet = await MonitorFleet.StartAsync(twins: 2, stepMs: 10);
        var longRequest = MonitorFleet.ChatAsync(fleet.Gateway.BaseAddress, count: 1, maxTokens: 150);
        await fleet.WaitForFleetAsync(f => f.AllBackends().Any(b => b.InFlight == 1), "a request in flight");
        var busy = (await fleet.FleetAsync()).AllBackends().Single(b => b.InFlight == 1);

        var drained = await CliRun.RunAsync("drain", busy.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--gateway", fleet.Url, "--admin-key", fleet.AdminKey!, "--wait");
        await longRequest;
        var statusWhileDrained = (await fleet.FleetAsync()).AllBackends().Single(b => b.Id == busy.Id).Status;
        var undrained = await CliRun.RunAsync("drain", busy.Name, "--gateway", fleet.Url, "--admin-key", fleet.AdminKey!, "--undrain");

        Assert.Equal(0, drained.ExitCode);
        Assert.Contains("safe to restart", drained.Output);
        Assert.Equal("draining", statusWhileDrained);
        Assert.Equal(0, undrained.ExitCode);
        Assert.Equal("up", (await fleet.FleetAsync()).AllBackends().Single(b => b.Id == busy.Id).Status);
    }

    [Fact]
    public async Task Drain_UnknownBackend_ExitsTwoWithTheGatewaysMessage()
    {
        await using var fleet = await MonitorFleet.StartAsync(twins: 1);

        var result = await CliRun.RunAsync("drain", "9", "--gateway", fleet.Url, "--admin-key", fleet.AdminKey!);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no backend '9'", result.Error);
    }

    [Fact]
    public async Task TopAndDrain_WithoutTheAdminKey_ExitTwoSayingHowToGiveIt()
    {
        await using var fleet = await MonitorFleet.StartAsync(twins: 1);

        var top = await CliRun.RunAsync("top", "--gateway", fleet.Url, "--once");
        var drain = await CliRun.RunAsync("drain", "1", "--gateway", fleet.Url, "--admin-key", "wrong");

        Assert.Equal(2, top.ExitCode);
        Assert.Contains("HTTP 401", top.Error);
        Assert.Contains("--admin-key", top.Error);
        Assert.Equal(2, drain.ExitCode);
        Assert.Contains("HTTP 401", drain.Error);
        Assert.Equal("up", (await fleet.FleetAsync()).AllBackends().Single().Status);
    }

    [Fact]
    public async Task AlertsExport_WritesRulesPromtoolAcceptsAndGrafanaJson()
    {
        var dir = Directory.CreateTempSubdirectory("llmfleet-export-").FullName;

        var result = await CliRun.RunAsync("alerts", "export", "--out", dir);

        Assert.Equal(0, result.ExitCode);
        var rules = Path.Combine(dir, "llmfleet-alerts.rules.yml");
        var dashboard = Path.Combine(dir, "llmfleet-grafana-dashboard.json");
        Assert.True(File.Exists(rules));
        Assert.Equal(39, JsonDocument.Parse(await File.ReadAllTextAsync(dashboard, TestContext.Current.CancellationToken)).RootElement.GetProperty("schemaVersion").GetInt32());
        var promtool = RequiresTool.OrSkip("promtool", "prometheus");
        using var process = Process.Start(new ProcessStartInfo(promtool, ["check", "rules", rules]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken) + await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(process.ExitCode == 0, output);
    }
}
