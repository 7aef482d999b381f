using System.Collections.Concurrent;
using LlmFleet.Gateway.Configuration;
using LlmFleet.Gateway.Tests.Functional;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace LlmFleet.Gateway.Tests.Observability;

/// <summary>A stand-in vLLM on loopback that answers every chat completion with a fixed usage and keeps the headers
/// of each request it got.</summary>
internal sealed class HeaderRecordingBackend : IAsyncDisposable
{
    private readonly WebApplication _app;

    private HeaderRecordingBackend(WebApplication app) => _app = app;

    public ConcurrentQueue<IHeaderDictionary> Requests { get; } = new();

    public Uri Url => new(_app.Urls.First());

    public BackendConfig Config => new() { Url = Url };

    public static async Task<HeaderRecordingBackend> StartAsync()
    {
        HeaderRecordingBackend? self = null;
        var app = await TestFleet.StartStandInAsync(app => app.MapPost("/v1/chat/completions", (HttpContext http) =>
        {
            self!.Requests.Enqueue(new HeaderDictionary(http.Request.Headers.ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase)));
            return Results.Json(new
            {
                id = "chatcmpl-1",
                @object = "chat.completion",
                model = "served-glm",
                choices = new[] { new { index = 0, message = new { role = "assistant", content = "hi" }, finish_reason = "stop" } },
                usage = new { prompt_tokens = 11, completion_tokens = 5, total_tokens = 16 },
            });
        }));
        self = new HeaderRecordingBackend(app);
        return self;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
