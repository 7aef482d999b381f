using System.Collections.Concurrent;
using Google.Protobuf;
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

    /// <summary>Exports that could not be decoded (answered 400); the tests expect none.</summary>
    public ConcurrentQueue<string> Errors { get; } = new();

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
            List<ExportedSpan> spans;
            try
            {
                spans = OtlpTraceReader.Read(body.ToArray());
            }
            catch (Exception e) when (e is InvalidProtocolBufferException or KeyNotFoundException or InvalidCastException)
            {
                self!.Errors.Enqueue(e.Message);
                http.Response.StatusCode = 400;
                return;
            }
            foreach (var span in spans)
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
