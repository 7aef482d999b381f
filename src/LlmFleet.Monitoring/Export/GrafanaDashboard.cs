using System.Text.Json;
using System.Text.Json.Nodes;
using LlmFleet.Monitoring.Scraping;
using V = LlmFleet.Vllm.Metrics.VllmMetricNames;

namespace LlmFleet.Monitoring.Export;

/// <summary>
/// A Grafana dashboard (JSON model, <see cref="SchemaVersion"/>) with the panels of the gateway's dashboard, over
/// the metrics a team's Prometheus scrapes from vLLM, the DCGM and node exporters, and the gateway. The data source
/// is a template variable, so it imports into any Grafana with a Prometheus data source.
/// </summary>
public static class GrafanaDashboard
{
    public const string FileName = "llmfleet-grafana-dashboard.json";

    /// <summary>The dashboard JSON schema version written (Grafana 10.4 and 11.x write 39).</summary>
    public const int SchemaVersion = 39;

    // Metric names come from the one table of each (vLLM's, the DCGM and node exporters').
    private static readonly (string Title, string Unit, string[] Exprs, string[] Legends)[] Panels =
    [
        ("Generated tokens/s", "short", [$"sum by (instance) (rate({V.GenerationTokensTotal}[1m]))"], ["{{instance}}"]),
        ("Prompt tokens/s", "short", [$"sum by (instance) (rate({V.PromptTokensTotal}[1m]))"], ["{{instance}}"]),
        ("Time to first token p50 / p95", "s",
            [$"histogram_quantile(0.5, sum by (instance, le) (rate({V.TimeToFirstTokenSeconds}_bucket[1m])))",
             $"histogram_quantile(0.95, sum by (instance, le) (rate({V.TimeToFirstTokenSeconds}_bucket[1m])))"],
            ["p50 {{instance}}", "p95 {{instance}}"]),
        ("Inter-token latency p50 / p95", "s",
            [$"histogram_quantile(0.5, sum by (instance, le) (rate({V.InterTokenLatencySeconds}_bucket[1m])))",
             $"histogram_quantile(0.95, sum by (instance, le) (rate({V.InterTokenLatencySeconds}_bucket[1m])))"],
            ["p50 {{instance}}", "p95 {{instance}}"]),
        ("Requests running / waiting", "short",
            [$"sum by (instance) ({V.NumRequestsRunning})", $"sum by (instance) ({V.NumRequestsWaiting})"],
            ["running {{instance}}", "waiting {{instance}}"]),
        ("KV cache used", "percentunit", [$"max by (instance) ({V.KvCacheUsagePerc})"], ["{{instance}}"]),
        ("Preemptions/s", "short", [$"sum by (instance) (rate({V.NumPreemptionsTotal}[1m]))"], ["{{instance}}"]),
        ("Gateway error rate (5xx)", "percentunit",
            ["sum by (backend) (rate(llmfleet_gateway_requests_total{status=~\"5..\"}[1m])) / sum by (backend) (rate(llmfleet_gateway_requests_total[1m]))"],
            ["{{backend}}"]),
        ("GPU utilisation", "percent", [$"avg by (Hostname) ({DcgmScrape.GpuUtil})"], ["{{Hostname}}"]),
        ("GPU memory used", "percentunit", [$"max by (Hostname) ({DcgmScrape.FbUsed} / ({DcgmScrape.FbUsed} + {DcgmScrape.FbFree}))"], ["{{Hostname}}"]),
        ("Host memory available", "bytes", [NodeScrape.MemAvailable], ["{{instance}}"]),
        ("Disk busy", "percentunit", [$"max by (instance) (rate({NodeScrape.DiskIoTime}[1m]))"], ["{{instance}}"]),
    ];

    public static string Write()
    {
        var panels = new JsonArray();
        for (var i = 0; i < Panels.Length; i++)
        {
            var (title, unit, exprs, legends) = Panels[i];
            var targets = new JsonArray();
            for (var t = 0; t < exprs.Length; t++)
            {
                targets.Add((JsonNode)new JsonObject
                {
                    ["refId"] = ((char)('A' + t)).ToString(),
                    ["expr"] = exprs[t],
                    ["legendFormat"] = legends[t],
                    ["datasource"] = DataSource(),
                });
            }
            panels.Add((JsonNode)new JsonObject
            {
                ["id"] = i + 1,
                ["type"] = "timeseries",
                ["title"] = title,
                ["datasource"] = DataSource(),
                ["gridPos"] = new JsonObject { ["h"] = 8, ["w"] = 12, ["x"] = i % 2 * 12, ["y"] = i / 2 * 8 },
                ["fieldConfig"] = new JsonObject { ["defaults"] = new JsonObject { ["unit"] = unit }, ["overrides"] = new JsonArray() },
                ["options"] = new JsonObject { ["legend"] = new JsonObject { ["displayMode"] = "list", ["placement"] = "bottom", ["showLegend"] = true } },
                ["targets"] = targets,
            });
        }
        var dashboard = new JsonObject
        {
            ["uid"] = "llmfleet-overview",
            ["title"] = "LLM Fleet",
            ["description"] = "vLLM backends, GPUs and the LLM Fleet gateway; written by `llmfleet alerts export`.",
            ["tags"] = new JsonArray("llmfleet", "vllm"),
            ["schemaVersion"] = SchemaVersion,
            ["version"] = 1,
            ["editable"] = true,
            ["graphTooltip"] = 1,
            ["timezone"] = "browser",
            ["refresh"] = "10s",
            ["time"] = new JsonObject { ["from"] = "now-1h", ["to"] = "now" },
            ["timepicker"] = new JsonObject(),
            ["annotations"] = new JsonObject
            {
                ["list"] = new JsonArray(new JsonObject
                {
                    ["builtIn"] = 1,
                    ["datasource"] = new JsonObject { ["type"] = "grafana", ["uid"] = "-- Grafana --" },
                    ["enable"] = true,
                    ["hide"] = true,
                    ["iconColor"] = "rgba(0, 211, 255, 1)",
                    ["name"] = "Annotations & Alerts",
                    ["type"] = "dashboard",
                }),
            },
            ["templating"] = new JsonObject
            {
                ["list"] = new JsonArray(new JsonObject
                {
                    ["name"] = "datasource",
                    ["label"] = "Prometheus",
                    ["type"] = "datasource",
                    ["query"] = "prometheus",
                    ["current"] = new JsonObject(),
                    ["hide"] = 0,
                    ["refresh"] = 1,
                }),
            },
            ["links"] = new JsonArray(),
            ["panels"] = panels,
        };
        return dashboard.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    private static JsonObject DataSource() => new() { ["type"] = "prometheus", ["uid"] = "${datasource}" };
}
