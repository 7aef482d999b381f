using LlmFleet.Simulation.Tests.Hosting;
using LlmFleet.Vllm.Metrics;

namespace LlmFleet.Simulation.Tests.Engine;

public sealed class PrefixCacheTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RepeatedLongPrefix_CutsTtftAndRaisesPrefixCacheHits()
    {
        await using var twin = await Twins.StartAsync(speed: 1);
        using var http = Twins.Http(twin);
        var document = Prompts.OfAbout(7500, salt: 3);

        var first = await TtftWithHitsAsync(http, document + " First question: what routes tokens?");
        var second = await TtftWithHitsAsync(http, document + " Second question: what holds the cache?");

        Assert.True(second.Ttft < first.Ttft / 3, $"TTFT {first.Ttft * 1000:F1} ms, then {second.Ttft * 1000:F1} ms with the prefix cached");
        Assert.Equal(0, first.NewHits);
        var shared = await CountTokensAsync(http, "[gMASK]<sop><|user|>\n" + document);
        Assert.InRange(second.NewHits, shared - 32, shared); // the whole 16-token blocks of the shared prefix
    }

    private static async Task<int> CountTokensAsync(HttpClient http, string prompt)
    {
        var response = await http.SendAsync(Sse.Post("tokenize", System.Text.Json.JsonSerializer.Serialize(new { prompt })), Ct);
        using var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return body.RootElement.GetProperty("count").GetInt32();
    }

    private static async Task<(double Ttft, double NewHits)> TtftWithHitsAsync(HttpClient http, string prompt)
    {
        var before = await http.GetStringAsync("metrics", Ct);
        var (_, events) = await Sse.ReadAllAsync(http, "v1/chat/completions", Prompts.ChatJson(prompt, 2), Ct);
        var after = await http.GetStringAsync("metrics", Ct);
        Assert.NotEmpty(events);
        double Value(string text, string name) => PrometheusText.Sum(text, name) ?? 0;
        var ttft = Value(after, VllmMetricNames.TimeToFirstTokenSeconds + "_sum") - Value(before, VllmMetricNames.TimeToFirstTokenSeconds + "_sum");
        return (ttft, Value(after, VllmMetricNames.PrefixCacheHitsTotal) - Value(before, VllmMetricNames.PrefixCacheHitsTotal));
    }
}
