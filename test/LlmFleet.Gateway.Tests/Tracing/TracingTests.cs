using System.Net;
using System.Text.Json;
using LlmFleet.Gateway.Configuration;
using LlmFleet.Gateway.Observability;
using LlmFleet.Gateway.Routing;
using LlmFleet.Gateway.Tests.Functional;
using LlmFleet.Gateway.Tests.Observability;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace LlmFleet.Gateway.Tests.Tracing;

/// <summary>
/// OpenTelemetry traces through a real gateway: a server span per request and a client span per backend attempt
/// exported over OTLP/HTTP to a collector stand-in, the attempt's <c>traceparent</c> sent to the backend, and nothing
/// of it when traces are off. The tests of this class run one after another: a tracing gateway listens to every
/// ASP.NET Core server in the process.
/// </summary>
public sealed class TracingTests
{
    /// <summary>The standard variables, read by the SDK of the tracing gateways only (no other gateway here exports):
    /// spans go out when the test flushes, in one export, with time to spare on a busy machine.</summary>
    static TracingTests()
    {
        Environment.SetEnvironmentVariable("OTEL_BSP_SCHEDULE_DELAY", "600000");
        Environment.SetEnvironmentVariable("OTEL_EXPORTER_OTLP_TIMEOUT", "60000");
    }

    private static Func<FleetConfig, FleetConfig> TracedTo(OtlpCollector collector) =>
        c => c with { Tracing = new TracingConfig { OtlpEndpoint = collector.Url } };

    /// <summary>Stops the gateway (its requests finish, so their server spans end) and flushes its exporter.</summary>
    private static async Task StopAndFlushAsync(RunningFleet fleet, OtlpCollector collector)
    {
        await fleet.Gateway.StopAsync(TestContext.Current.CancellationToken);
        Assert.True(fleet.Gateway.App.Services.GetRequiredService<TracerProvider>().ForceFlush(60_000));
        Assert.Empty(collector.Errors);
    }

    [Fact]
    public async Task Traced_Request_BackendGetsTheClientSpansTraceparentAndTheCollectorBothSpansWithGenAiAttributes()
    {
        await using var collector = await OtlpCollector.StartAsync();
        await using var backend = await HeaderRecordingBackend.StartAsync();
        await using var fleet = await TestFleet.StartAsync(twins: 0, model: m => m with { Backends = [backend.Config] }, fleet: TracedTo(collector));
        var traceId = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        var callerSpanId = Convert.ToHexStringLower(BitConverter.GetBytes(Random.Shared.NextInt64()));

        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = TestFleet.Json(TestFleet.ChatJson()) };
        request.Headers.Add("traceparent", $"00-{traceId}-{callerSpanId}-01");
        request.Headers.Add(RequestIds.Header, "traced-1");
        using var response = await fleet.Client.SendAsync(request, TestContext.Current.CancellationToken);
        var usage = (await TestFleet.ReadJsonAsync(response)).GetProperty("usage");
        await StopAndFlushAsync(fleet, collector);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("traced-1", Assert.Single(response.Headers.GetValues(RequestIds.Header)));
        var sent = Assert.Single(backend.Requests);
        Assert.Equal("traced-1", sent[RequestIds.Header].ToString());
        var traceparent = sent["traceparent"].ToString().Split('-');
        Assert.Equal(traceId, traceparent[1]);
        var spans = collector.Trace(traceId).ToList();
        var client = Assert.Single(spans, s => s.Scope == GatewayTracing.SourceName);
        var server = Assert.Single(spans, s => s.SpanId == client.ParentSpanId);
        // The backend's parent is the attempt's span, which is a child of the gateway's server span, itself a child of the caller's.
        Assert.Equal(client.SpanId, traceparent[2]);
        Assert.Equal(ExportedSpan.Client, client.Kind);
        Assert.Equal(ExportedSpan.Server, server.Kind);
        Assert.Equal(callerSpanId, server.ParentSpanId);
        Assert.Equal("POST /v1/chat/completions", server.Name);
        Assert.Equal("traced-1", server.Attributes[GatewayTracing.RequestIdTag]);
        Assert.Equal(GatewayTracing.DefaultServiceName, client.Resource["service.name"]);
        Assert.Equal("chat " + TestFleet.Model, client.Name);
        Assert.Equal("chat", client.Attributes["gen_ai.operation.name"]);
        Assert.Equal("vllm", client.Attributes["gen_ai.provider.name"]);
        Assert.Equal(TestFleet.Model, client.Attributes["gen_ai.request.model"]);
        Assert.Equal("served-glm", client.Attributes["gen_ai.response.model"]);
        Assert.Equal(usage.GetProperty("prompt_tokens").GetInt64(), client.Attributes["gen_ai.usage.input_tokens"]);
        Assert.Equal(usage.GetProperty("completion_tokens").GetInt64(), client.Attributes["gen_ai.usage.output_tokens"]);
        Assert.Equal(backend.Url.Host, client.Attributes["server.address"]);
        Assert.Equal((long)backend.Url.Port, client.Attributes["server.port"]);
        Assert.Equal("traced-1", client.Attributes[GatewayTracing.RequestIdTag]);
        Assert.Equal(0L, client.Attributes["llmfleet.retry_count"]);
        Assert.Equal(TestFleet.Model, client.Attributes["llmfleet.pool"]);
        Assert.Equal(BackendSelectionPolicies.RoundRobin, client.Attributes["llmfleet.policy"]);
        Assert.Equal(200L, client.Attributes["http.response.status_code"]);
    }

    [Fact]
    public async Task Traced_Stream_StartsATraceAndMarksTheFirstTokenWithTheUsageTheClientSaw()
    {
        await using var collector = await OtlpCollector.StartAsync();
        await using var fleet = await TestFleet.StartAsync(fleet: TracedTo(collector));

        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = TestFleet.Json(TestFleet.ChatJson(stream: true, includeUsage: true)),
        };
        request.Headers.Add(RequestIds.Header, "traced-stream-1");
        using var response = await fleet.Client.SendAsync(request, TestContext.Current.CancellationToken);
        var events = (await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))
            .Split('\n').Where(l => l.StartsWith("data: {", StringComparison.Ordinal)).Select(l => JsonDocument.Parse(l[6..]).RootElement).ToList();
        var usage = events.Last(e => e.TryGetProperty("usage", out var u) && u.ValueKind == JsonValueKind.Object).GetProperty("usage");
        await StopAndFlushAsync(fleet, collector);

        var client = Assert.Single(collector.Spans, s => s.Scope == GatewayTracing.SourceName && Equals(s.Attributes.GetValueOrDefault(GatewayTracing.RequestIdTag), "traced-stream-1"));
        var server = Assert.Single(collector.Trace(client.TraceId), s => s.SpanId == client.ParentSpanId);
        Assert.Equal("", server.ParentSpanId); // no caller's trace: the gateway's server span is the root
        Assert.Contains(AttemptSpans.FirstTokenEvent, client.Events);
        Assert.True((bool)client.Attributes["llmfleet.stream"]);
        var served = fleet.Twins[0].ServedModelName;
        Assert.Equal(served, client.Attributes["gen_ai.request.model"]);
        Assert.Equal(served, client.Attributes["gen_ai.response.model"]);
        Assert.Equal(usage.GetProperty("prompt_tokens").GetInt64(), client.Attributes["gen_ai.usage.input_tokens"]);
        Assert.Equal(usage.GetProperty("completion_tokens").GetInt64(), client.Attributes["gen_ai.usage.output_tokens"]);
    }

    [Fact]
    public async Task Traced_RetriedAttempt_EachAttemptHasItsSpanAndTheFailedOneItsError()
    {
        await using var collector = await OtlpCollector.StartAsync();
        await using var backend = await HeaderRecordingBackend.StartAsync();
        // Healthy to the probes, 503 to every request: each attempt there is retried on the other backend.
        var refused = 0;
        await using var failing = await TestFleet.StartStandInAsync(app => app.MapPost("/v1/chat/completions", () =>
        {
            Interlocked.Increment(ref refused);
            return Results.StatusCode(503);
        }));
        var failingUrl = new Uri(failing.Urls.First());
        await using var fleet = await TestFleet.StartAsync(twins: 0, fleet: TracedTo(collector),
            model: m => m with { Backends = [new BackendConfig { Url = failingUrl }, backend.Config], Policy = BackendSelectionPolicies.RoundRobin });

        // Until one request has been tried on the failing backend: round robin gets there within two requests while the
        // probes find it healthy (a slow probe on a busy machine can mark it down for a moment).
        var sent = 0;
        while (Volatile.Read(ref refused) == 0 && sent < 50)
        {
            if (sent > 0)
            {
                await Task.Delay(100, TestContext.Current.CancellationToken);
            }
            using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = TestFleet.Json(TestFleet.ChatJson()) };
            request.Headers.Add(RequestIds.Header, "retried-" + sent++);
            using var response = await fleet.Client.SendAsync(request, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        await StopAndFlushAsync(fleet, collector);

        var attempts = collector.Spans.Where(s => s.Scope == GatewayTracing.SourceName
            && s.Attributes[GatewayTracing.RequestIdTag] is string id && id.StartsWith("retried-", StringComparison.Ordinal)).ToList();
        var failed = attempts.Where(s => s.Attributes.ContainsKey("error.type")).ToList();
        Assert.Equal(1, refused);
        Assert.Single(failed);
        Assert.Equal(sent + 1, attempts.Count);
        foreach (var attempt in failed)
        {
            Assert.Equal("503", attempt.Attributes["error.type"]);
            Assert.Equal((long)failingUrl.Port, attempt.Attributes["server.port"]);
            Assert.Equal(0L, attempt.Attributes["llmfleet.retry_count"]);
            // The retry: a sibling under the same server span, on the other backend.
            var retry = Assert.Single(attempts, s => s.ParentSpanId == attempt.ParentSpanId && s.SpanId != attempt.SpanId);
            Assert.Equal(1L, retry.Attributes["llmfleet.retry_count"]);
            Assert.Equal((long)backend.Url.Port, retry.Attributes["server.port"]);
            Assert.False(retry.Attributes.ContainsKey("error.type"));
        }
    }

    [Fact]
    public async Task Untraced_Gateway_HasNoTracerAndPassesTheCallersTraceparentUnchanged()
    {
        await using var backend = await HeaderRecordingBackend.StartAsync();
        await using var fleet = await TestFleet.StartAsync(twins: 0, model: m => m with { Backends = [backend.Config] });
        const string caller = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

        using (var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = TestFleet.Json(TestFleet.ChatJson()) })
        {
            request.Headers.Add("traceparent", caller);
            request.Headers.Add("tracestate", "congo=t61rcWkgMzE");
            using var response = await fleet.Client.SendAsync(request, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        using (var plain = await fleet.Client.PostAsync("v1/chat/completions", TestFleet.Json(TestFleet.ChatJson()), TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        }

        Assert.Null(fleet.Gateway.App.Services.GetService<TracerProvider>());
        var sent = backend.Requests.ToArray();
        Assert.Equal(caller, sent[0]["traceparent"].ToString());
        Assert.Equal("congo=t61rcWkgMzE", sent[0]["tracestate"].ToString());
        Assert.False(sent[1].ContainsKey("traceparent"));
    }
}
