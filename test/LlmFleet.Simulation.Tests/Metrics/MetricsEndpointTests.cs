using System.Diagnostics;
using LlmFleet.Simulation.Tests.Hosting;
using LlmFleet.Vllm.Metrics;
using LlmFleet.Vllm.Versions;

namespace LlmFleet.Simulation.Tests.Metrics;

public sealed class MetricsEndpointTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("0.11")]
    [InlineData("0.16")]
    [InlineData("latest")]
    public async Task Metrics_AfterTraffic_PassPromtoolWithTheVersionsFamiliesTypesAndLabels(string version)
    {
        var promtool = RequiresTool.OrSkip("promtool", "prometheus");
        await using var twin = await Twins.StartAsync(configure: o => o with { VllmVersion = version });
        using var http = Twins.Http(twin);
        await http.SendAsync(Sse.Post("v1/chat/completions", """{"messages":[{"role":"user","content":"Hi"}],"max_tokens":8}"""), Ct);
        await http.SendAsync(Sse.Post("v1/chat/completions", """{"messages":[{"role":"user","content":"Hi"}],"max_tokens":8,"ignore_eos":true}"""), Ct);

        var response = await http.GetAsync("metrics", Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        var types = PrometheusText.ReadTypes(text);
        Assert.Equal(VllmWire.Get(version).MetricFamilies.Order(), types.Keys.Order());
        Assert.Equal("gauge", types[VllmMetricNames.KvCacheUsagePerc]);
        Assert.Equal("counter", types[VllmMetricNames.PromptTokensTotal]);
        Assert.Equal("histogram", types[VllmMetricNames.TimeToFirstTokenSeconds]);
        var model = twin.ServedModelName;
        Assert.Equal(16, PrometheusText.Sum(text, VllmMetricNames.GenerationTokensTotal, ("model_name", model), ("engine", "0")));
        Assert.Equal(2, PrometheusText.Sum(text, VllmMetricNames.RequestSuccessTotal, ("finished_reason", "length")));
        Assert.Equal(2, PrometheusText.Sum(text, VllmMetricNames.E2eRequestLatencySeconds + "_count"));
        Assert.Equal(14, PrometheusText.Sum(text, VllmMetricNames.InterTokenLatencySeconds + "_count"));
        Assert.Equal(2, PrometheusText.Sum(text, VllmMetricNames.RequestParamsN + "_count"));
        Assert.Equal(16, PrometheusText.Sum(text, VllmMetricNames.RequestParamsMaxTokens + "_sum"));
        Assert.Equal(16, PrometheusText.Sum(text, VllmMetricNames.RequestMaxNumGenerationTokens + "_sum"));
        Assert.Equal(2, PrometheusText.Sum(text, VllmMetricNames.RequestTimePerOutputTokenSeconds + "_count"));
        foreach (var phase in new[] { VllmMetricNames.RequestPrefillTimeSeconds, VllmMetricNames.RequestDecodeTimeSeconds, VllmMetricNames.RequestInferenceTimeSeconds })
        {
            Assert.Equal(2, PrometheusText.Sum(text, phase + "_count"));
        }
        var stepTokens = PrometheusText.Sum(text, VllmMetricNames.IterationTokensTotal + "_sum");
        Assert.Equal(PrometheusText.Sum(text, VllmMetricNames.PromptTokensTotal) + 16, stepTokens);

        // promtool parses the exposition; its only complaints are those vLLM's own names draw: the colon, and the
        // _total suffix of the histogram vllm:iteration_tokens_total.
        var (exit, output) = await RunAsync(promtool, "check metrics", text);
        var problems = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.All(problems, p => Assert.True(p.EndsWith("metric names should not contain ':'", StringComparison.Ordinal) ||
            p.StartsWith(VllmMetricNames.IterationTokensTotal + " non-counter metrics should not have \"_total\" suffix", StringComparison.Ordinal), p));
        Assert.True(exit is 0 or 3, $"promtool exited {exit}: {output}");
        Assert.DoesNotContain("error", output, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Metrics_WhileRequestsRun_GaugesShowRunningWaitingAndKvUsage()
    {
        // A small KV cache (2,048 tokens) and two seats: the third request waits.
        await using var twin = await Twins.StartSmallAsync(2048, new LinearStepTime(0.02, 0, 0), speed: 1,
            o => o with { MaxNumSeqs = 2 });
        using var http = Twins.Http(twin);
        // Different prompts: equal ones would share their cached prefix blocks.
        var requests = Enumerable.Range(0, 3).Select(i => http.SendAsync(Sse.Post("v1/chat/completions",
            Prompts.ChatJson(Prompts.OfAbout(300, salt: i), 200, stream: false)), Ct)).ToList();

        string text = "";
        for (var i = 0; i < 200 && PrometheusText.Sum(text, VllmMetricNames.NumRequestsWaiting) is not 1.0; i++)
        {
            await Task.Delay(20, Ct);
            text = await http.GetStringAsync("metrics", Ct);
        }

        Assert.Equal(2, PrometheusText.Sum(text, VllmMetricNames.NumRequestsRunning));
        Assert.Equal(1, PrometheusText.Sum(text, VllmMetricNames.NumRequestsWaiting));
        Assert.InRange(PrometheusText.Sum(text, VllmMetricNames.KvCacheUsagePerc)!.Value, 0.2, 0.6);
        await twin.DisposeAsync();
        foreach (var r in requests)
        {
            try
            {
                await r;
            }
            catch (HttpRequestException)
            {
            }
        }
    }

    private static async Task<(int Exit, string Output)> RunAsync(string file, string args, string stdin)
    {
        using var p = Process.Start(new ProcessStartInfo(file, args)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        await p.StandardInput.WriteAsync(stdin);
        p.StandardInput.Close();
        var output = await p.StandardOutput.ReadToEndAsync(Ct) + await p.StandardError.ReadToEndAsync(Ct);
        await p.WaitForExitAsync(Ct);
        return (p.ExitCode, output);
    }
}
