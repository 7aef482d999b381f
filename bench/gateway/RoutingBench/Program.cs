using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using LlmFleet.Gateway.Configuration;
using LlmFleet.Gateway.Hosting;
using LlmFleet.Gateway.Routing;
using LlmFleet.Simulation;
using LlmFleet.Vllm.Metrics;
using Microsoft.Extensions.Logging;

// A multi-turn, shared-prefix chat workload through the gateway over three GLM-5.2 FP8 twins (8×H200 each), once per
// policy, each time on fresh twins (cold prefix caches). Conversations belong to a few "applications", each with a
// long system prompt; every turn resends the whole conversation, as chat clients do. Reports TTFT percentiles,
// throughput, and the twins' prefix-cache hit rate.
// Usage: dotnet run -c Release --project bench/gateway/RoutingBench -- [speed=10] [conversations=36] [turns=4] [concurrency=24]
var inv = CultureInfo.InvariantCulture;
var speed = args.Length > 0 ? double.Parse(args[0], inv) : 10;
var conversations = args.Length > 1 ? int.Parse(args[1], inv) : 36;
var turns = args.Length > 2 ? int.Parse(args[2], inv) : 4;
var concurrency = args.Length > 3 ? int.Parse(args[3], inv) : 24;
string[] policies = [BackendSelectionPolicies.RoundRobin, BackendSelectionPolicies.LeastLoad, BackendSelectionPolicies.PrefixAffinity];

var systemPrompts = Enumerable.Range(0, 4).Select(app =>
    $"You are assistant #{app} of a GPU cloud. " + string.Concat(Enumerable.Range(0, 400).Select(i => $"Rule {app}.{i}: answer precisely. "))).ToArray();

Console.WriteLine($"speed {speed}, {conversations} conversations x {turns} turns, {concurrency} concurrent, 3 twins of GLM-5.2 FP8 on 8xH200");
Console.WriteLine("| policy | TTFT p50 (ms) | TTFT p99 (ms) | requests/s | output tokens/s | prefix-cache hit rate |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|");
foreach (var policy in policies)
{
    var twins = new List<RunningTwin>();
    for (var i = 0; i < 3; i++)
    {
        twins.Add(await TwinHost.StartAsync(new TwinOptions { Speed = speed, Seed = i, ReasoningParser = "none" }));
    }
    var config = new FleetConfig
    {
        Models = [new ModelConfig
        {
            Name = "glm-5.2",
            Policy = policy,
            Backends = twins.Select(t => new BackendConfig { Url = t.BaseAddress, ServedModel = t.ServedModelName }).ToArray(),
            Health = new HealthConfig { ScrapeInterval = TimeSpan.FromMilliseconds(250) },
        }],
    };
    await using var gateway = await GatewayHost.StartAsync(new GatewayOptions { Config = config, Urls = "http://127.0.0.1:0", MinimumLogLevel = LogLevel.Warning });
    using var http = new HttpClient { BaseAddress = gateway.BaseAddress, Timeout = TimeSpan.FromMinutes(5) };

    var ttfts = new List<double>();
    long outputTokens = 0;
    var next = -1;
    var clock = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
    {
        int c;
        while ((c = Interlocked.Increment(ref next)) < conversations)
        {
            var messages = new List<object> { new { role = "system", content = systemPrompts[c % systemPrompts.Length] } };
            for (var t = 0; t < turns; t++)
            {
                messages.Add(new { role = "user", content = $"Conversation {c}, question {t}: how do I size the KV cache for {c * 7 + t} users?" });
                var body = JsonSerializer.Serialize(new { model = "glm-5.2", messages, max_tokens = 48, stream = true, stream_options = new { include_usage = true } });
                var (ttft, text, tokens) = await StreamAsync(http, body);
                lock (ttfts)
                {
                    ttfts.Add(ttft);
                }
                Interlocked.Add(ref outputTokens, tokens);
                messages.Add(new { role = "assistant", content = text });
            }
        }
    }));
    var seconds = clock.Elapsed.TotalSeconds;
    double hits = 0, queries = 0;
    foreach (var twin in twins)
    {
        using var direct = new HttpClient { BaseAddress = twin.BaseAddress };
        var metrics = await direct.GetStringAsync("metrics");
        hits += PrometheusText.Sum(metrics, VllmMetricNames.PrefixCacheHitsTotal) ?? 0;
        queries += PrometheusText.Sum(metrics, VllmMetricNames.PrefixCacheQueriesTotal) ?? 0;
        await twin.DisposeAsync();
    }
    ttfts.Sort();
    Console.WriteLine(string.Create(inv, $"| {policy} | {Percentile(ttfts, 0.5):0} | {Percentile(ttfts, 0.99):0} | {ttfts.Count / seconds:0.0} | {outputTokens / seconds:0} | {(queries > 0 ? hits / queries : 0):P0} |"));
}

static double Percentile(List<double> sorted, double p) => sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

static async Task<(double TtftMs, string Text, long Tokens)> StreamAsync(HttpClient http, string body)
{
    var clock = Stopwatch.StartNew();
    using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
    using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    response.EnsureSuccessStatusCode();
    using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
    double ttft = double.NaN;
    var text = new StringBuilder();
    long tokens = 0;
    while (await reader.ReadLineAsync() is { } line)
    {
        if (!line.StartsWith("data: {", StringComparison.Ordinal))
        {
            continue;
        }
        using var doc = JsonDocument.Parse(line.AsMemory(6));
        var root = doc.RootElement;
        if (root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
        {
            tokens = usage.GetProperty("completion_tokens").GetInt64();
        }
        if (root.TryGetProperty("choices", out var choices) && choices.GetArrayLength() > 0
            && choices[0].TryGetProperty("delta", out var delta) && delta.TryGetProperty("content", out var content) && content.GetString() is { Length: > 0 } piece)
        {
            if (double.IsNaN(ttft))
            {
                ttft = clock.Elapsed.TotalMilliseconds;
            }
            text.Append(piece);
        }
    }
    return (ttft, text.ToString(), tokens);
}
