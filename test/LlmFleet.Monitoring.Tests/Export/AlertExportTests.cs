using System.Diagnostics;
using System.Text.Json;
using LlmFleet.Monitoring.Alerts;
using LlmFleet.Monitoring.Export;

namespace LlmFleet.Monitoring.Tests.Export;

/// <summary>The exported rules and dashboard load into the tools they are meant for.</summary>
public sealed class AlertExportTests
{
    [Fact]
    public async Task RulesFile_PromtoolCheckRules_Accepts()
    {
        var promtool = RequiresTool.OrSkip("promtool", "prometheus");
        var dir = Directory.CreateTempSubdirectory("llmfleet-rules-");
        var path = Path.Combine(dir.FullName, PrometheusRulesFile.FileName);
        await File.WriteAllTextAsync(path, PrometheusRulesFile.Write(new MonitoringConfig()), TestContext.Current.CancellationToken);

        using var process = Process.Start(new ProcessStartInfo(promtool, ["check", "rules", path]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken) + await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.True(process.ExitCode == 0, output);
        Assert.Contains($"{AlertRules.All.Count} rules found", output);
    }

    [Fact]
    public void RulesFile_OverriddenThreshold_IsWrittenWithItsFor()
    {
        var config = new MonitoringConfig { Alerts = new Dictionary<string, AlertRuleSettings> { ["queue_backlog"] = new(12, TimeSpan.FromMinutes(3)) } };

        var text = PrometheusRulesFile.Write(config);

        Assert.Contains("sum by (instance) (vllm:num_requests_waiting) > 12'", text);
        Assert.Contains("for: 3m", text);
    }

    [Fact]
    public void GrafanaDashboard_HasEveryFieldItsSchemaVersionRequires()
    {
        using var doc = JsonDocument.Parse(GrafanaDashboard.Write());
        var root = doc.RootElement;

        // Dashboard JSON model, schemaVersion 39 (Grafana 10.4/11): the top-level fields Grafana's DashboardModel
        // reads without defaults, and for each panel id, type, title, gridPos (24-column grid) and targets with refId.
        Assert.Equal(GrafanaDashboard.SchemaVersion, root.GetProperty("schemaVersion").GetInt32());
        foreach (var key in new[] { "uid", "title", "tags", "time", "templating", "annotations", "panels", "editable", "version", "refresh" })
        {
            Assert.True(root.TryGetProperty(key, out _), key);
        }
        Assert.Equal(JsonValueKind.Array, root.GetProperty("templating").GetProperty("list").ValueKind);
        var variables = root.GetProperty("templating").GetProperty("list").EnumerateArray().Select(v => v.GetProperty("name").GetString()).ToArray();
        var ids = new HashSet<int>();
        foreach (var panel in root.GetProperty("panels").EnumerateArray())
        {
            Assert.True(ids.Add(panel.GetProperty("id").GetInt32()));
            Assert.Equal("timeseries", panel.GetProperty("type").GetString());
            Assert.False(string.IsNullOrEmpty(panel.GetProperty("title").GetString()));
            var grid = panel.GetProperty("gridPos");
            Assert.InRange(grid.GetProperty("x").GetInt32() + grid.GetProperty("w").GetInt32(), 1, 24);
            Assert.True(grid.GetProperty("h").GetInt32() > 0);
            var datasource = panel.GetProperty("datasource").GetProperty("uid").GetString()!;
            Assert.Contains(datasource.Trim('$', '{', '}'), variables);
            var targets = panel.GetProperty("targets").EnumerateArray().ToArray();
            Assert.NotEmpty(targets);
            Assert.Equal(targets.Length, targets.Select(t => t.GetProperty("refId").GetString()).Distinct().Count());
            Assert.All(targets, t => Assert.False(string.IsNullOrWhiteSpace(t.GetProperty("expr").GetString())));
        }
    }
}
