using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LlmFleet.Testing;

/// <summary>A small web application on 127.0.0.1 (port 0), quiet, with the endpoints <c>map</c> adds.</summary>
internal static class LoopbackApp
{
    public static async Task<WebApplication> StartAsync(Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        map(app);
        await app.StartAsync(TestContext.Current.CancellationToken);
        return app;
    }
}

/// <summary>An HTTP endpoint on loopback that keeps every JSON body POSTed to it: the alert webhook's receiver.</summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private WebhookReceiver(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    public ConcurrentQueue<JsonElement> Received { get; } = new();

    public static async Task<WebhookReceiver> StartAsync()
    {
        WebhookReceiver? self = null;
        var app = await LoopbackApp.StartAsync(app => app.MapPost("/hook", async (HttpContext http) =>
        {
            self!.Received.Enqueue(await JsonSerializer.DeserializeAsync<JsonElement>(http.Request.Body, cancellationToken: http.RequestAborted));
            return Results.Ok();
        }));
        self = new WebhookReceiver(app, new Uri(app.Urls.First().TrimEnd('/') + "/hook"));
        return self;
    }

    /// <summary>True once an alert with this status, rule and backend was delivered.</summary>
    public bool Got(string status, string rule, string backend) => Received.Any(p =>
        p.GetProperty("status").GetString() == status
        && p.GetProperty("alerts").EnumerateArray().Any(a =>
            a.GetProperty("labels").GetProperty("rule").GetString() == rule && a.GetProperty("labels").GetProperty("backend").GetString() == backend));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
