using System.Collections.Concurrent;
using LlmFleet.Gateway.Tests.Functional;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace LlmFleet.Gateway.Tests.Tracing;

/// <summary>An OTLP/HTTP collector stand-in on loopback: accepts <c>POST /v1/traces</c> (protobuf) and keeps every
/// span it decodes. The process may hold other servers, so tests pick their spans out by trace id.</summary>
internal sealed class OtlpCollector : IAsyncDisposable
{
    private readonly WebApplication _app;

    private OtlpCollector(WebApplication app) => _app = app;

    public ConcurrentQueue<ExportedSpan> Spans { get; } = new();

    /// <summary>The base address, as <c>tracing.otlp_endpoint</c> takes it.</summary>
    public Uri Url => new(_app.Urls.First());

    public IEnumerable<ExportedSpan> Trace(string traceId) => Spans.Where(s => s.TraceId == traceId);

    public static async Task<OtlpCollector> StartAsync()
    {
        OtlpCollector? self = null;
        var app = await TestFleet.StartStandInAsync(app => app.MapPost("/v1/traces", async (HttpContext http) =>
        {
            using var body = new MemoryStream();
            await http.Request.Body.CopyToAsync(body, http.RequestAborted);
            foreach (var span in OtlpTraceReader.Read(body.ToArray()))
            {
                self!.Spans.Enqueue(span);
            }
            // An empty ExportTraceServiceResponse: everything accepted.
            http.Response.ContentType = "application/x-protobuf";
        }));
        self = new OtlpCollector(app);
        return self;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
