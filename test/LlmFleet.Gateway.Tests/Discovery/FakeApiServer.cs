using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmFleet.Gateway.Tests.Discovery;

/// <summary>How one watch response ends after its events: the connection drops, or the server ends the stream.</summary>
internal enum WatchEnd
{
    Abort,
    Complete,
}

/// <summary>
/// A Kubernetes API server on 127.0.0.1 port 0 that knows one thing: the EndpointSlice list and watch of one
/// namespace, replaying the recorded responses under <c>testassets/kubernetes/endpointslices/</c> in order. Each
/// watch event, and each watch's end, waits for one <see cref="Step"/> release, so a test decides when the world
/// changes. Once the recorded lists are used up, or while <see cref="Unreachable"/> is set, requests are dropped as
/// an unreachable server's would be.
/// </summary>
internal sealed class FakeApiServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<string> _lists = new();
    private readonly ConcurrentQueue<(string[] Lines, WatchEnd End)> _watches = new();
    private readonly Func<string, string> _rewrite;
    private int _listRequests;
    private int _watchRequests;
    private bool _unreachable;

    private FakeApiServer(WebApplication app, Func<string, string> rewrite)
    {
        _app = app;
        _rewrite = rewrite;
    }

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Released once per watch event and once per watch end.</summary>
    public SemaphoreSlim Step { get; } = new(0);

    /// <summary>While set, every request is dropped without an answer.</summary>
    public bool Unreachable
    {
        get => Volatile.Read(ref _unreachable);
        set => Volatile.Write(ref _unreachable, value);
    }

    public int ListRequests => Volatile.Read(ref _listRequests);

    public int WatchRequests => Volatile.Read(ref _watchRequests);

    /// <summary>The label selector and flags of the last request, as the watcher sent them.</summary>
    public string? LastQuery { get; private set; }

    /// <param name="rewrite">Applied to every recorded body (tests map pod IPs onto loopback addresses).</param>
    public static async Task<FakeApiServer> StartAsync(Func<string, string>? rewrite = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeApiServer(app, rewrite ?? (s => s));
        app.MapGet("/apis/discovery.k8s.io/v1/namespaces/{ns}/endpointslices", server.HandleAsync);
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseAddress = new Uri(address);
        return server;
    }

    public static string Recording(string name) => File.ReadAllText(TestPaths.Asset("kubernetes", "endpointslices", name));

    public void EnqueueList(string recording) => _lists.Enqueue(recording);

    public void EnqueueWatch(string recording, WatchEnd end) =>
        _watches.Enqueue((Recording(recording).Split('\n', StringSplitOptions.RemoveEmptyEntries), end));

    private async Task HandleAsync(HttpContext context)
    {
        LastQuery = context.Request.QueryString.Value;
        var watch = context.Request.Query["watch"] == "1";
        Interlocked.Increment(ref watch ? ref _watchRequests : ref _listRequests);
        if (Unreachable)
        {
            context.Abort();
            return;
        }
        if (!watch)
        {
            if (!_lists.TryDequeue(out var list))
            {
                context.Abort();
                return;
            }
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(_rewrite(Recording(list)), context.RequestAborted);
            return;
        }
        if (!_watches.TryDequeue(out var script))
        {
            context.Abort();
            return;
        }
        context.Response.ContentType = "application/json";
        await context.Response.Body.FlushAsync(context.RequestAborted);
        foreach (var line in script.Lines)
        {
            await Step.WaitAsync(context.RequestAborted);
            await context.Response.WriteAsync(_rewrite(line) + "\n", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
        }
        await Step.WaitAsync(context.RequestAborted);
        if (script.End == WatchEnd.Abort)
        {
            context.Abort();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Step.Dispose();
    }
}
