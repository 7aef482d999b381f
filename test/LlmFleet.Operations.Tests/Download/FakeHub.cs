using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmFleet.Operations.Tests.Download;

/// <summary>One request the fake hub answered: path, Range header, whether it carried the token, the host asked.</summary>
internal sealed record HubRequest(string Path, string? Range, bool HadToken, string Host, int Status, long BytesSent, DateTimeOffset At);

/// <summary>
/// A small Hugging Face Hub on 127.0.0.1 (Kestrel, port 0) speaking the API shapes huggingface_hub uses:
/// <c>/api/models/{repo}/revision/{rev}?blobs=true</c>, <c>/{repo}/resolve/{rev}/{path}</c> (LFS files redirect to a
/// CDN path on another host name, "localhost"), byte ranges, and faults a test switches on.
/// </summary>
internal sealed class FakeHub : IAsyncDisposable
{
    public const string Commit = "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00";
    private readonly WebApplication _app;

    private FakeHub(WebApplication app, IReadOnlyDictionary<string, byte[]> files)
    {
        _app = app;
        Files = files;
    }

    public IReadOnlyDictionary<string, byte[]> Files { get; }

    public Uri Endpoint { get; private set; } = null!;

    public ConcurrentQueue<HubRequest> Requests { get; } = new();

    /// <summary>The next N content requests answer 503 with Retry-After: 1.</summary>
    public int Fail503Count;

    /// <summary>The first content request for this path sends half its bytes, then drops the connection.</summary>
    public string? CutOncePath { get; set; }

    /// <summary>The first content request for this path sends half its bytes, then hangs until the client goes away.</summary>
    public string? StallOncePath { get; set; }

    /// <summary>This path is always served with one byte flipped.</summary>
    public string? CorruptPath { get; set; }

    /// <summary>The listing gives these sizes instead of the real ones (a file larger than any disk).</summary>
    public Dictionary<string, long> ListedSizes { get; } = new(StringComparer.Ordinal);

    /// <summary>After this many CDN requests the links handed out so far expire: they answer 403, like a signed URL
    /// past its time, and only a new redirect from /resolve/ leads to the content again.</summary>
    public int? ExpireLinksAfter { get; set; }

    private int _cdnRequests;
    private int _linkGeneration;

    /// <summary>When set, the API refuses requests without this bearer token.</summary>
    public string? RequiredToken { get; set; }

    public static bool IsLfs(string path) => path.EndsWith(".safetensors", StringComparison.Ordinal) || path.EndsWith(".gguf", StringComparison.Ordinal);

    public static async Task<FakeHub> StartAsync(IReadOnlyDictionary<string, byte[]> files)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var hub = new FakeHub(app, files);
        app.MapGet("/api/models/{org}/{name}/revision/{rev}", hub.RevisionAsync);
        app.MapGet("/{org}/{name}/resolve/{rev}/{**path}", hub.ResolveAsync);
        app.MapGet("/cdn/{sha}", hub.CdnAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        hub.Endpoint = new Uri(address.TrimEnd('/') + "/");
        return hub;
    }

    public static string Sha256(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    public static string GitBlobId(byte[] data) =>
        Convert.ToHexStringLower(SHA1.HashData([.. Encoding.ASCII.GetBytes($"blob {data.Length}\0"), .. data]));

    private async Task RevisionAsync(HttpContext context, string org, string name, string rev)
    {
        if (RequiredToken is not null && context.Request.Headers.Authorization != $"Bearer {RequiredToken}")
        {
            Record(context, 401, 0);
            context.Response.StatusCode = 401;
            return;
        }
        if (rev is not ("main" or Commit))
        {
            Record(context, 404, 0);
            context.Response.StatusCode = 404;
            return;
        }
        var siblings = new JsonArray();
        foreach (var (path, data) in Files)
        {
            var size = ListedSizes.TryGetValue(path, out var listed) ? listed : data.Length;
            var entry = new JsonObject { ["rfilename"] = path, ["size"] = size, ["blobId"] = GitBlobId(data) };
            if (IsLfs(path))
            {
                entry["lfs"] = new JsonObject { ["sha256"] = Sha256(data), ["size"] = size, ["pointerSize"] = 134 };
            }
            siblings.Add(entry);
        }
        Record(context, 200, 0);
        await context.Response.WriteAsJsonAsync(new JsonObject { ["id"] = $"{org}/{name}", ["sha"] = Commit, ["siblings"] = siblings });
    }

    private async Task ResolveAsync(HttpContext context, string org, string name, string rev, string path)
    {
        if (!Files.TryGetValue(path, out var data))
        {
            Record(context, 404, 0);
            context.Response.StatusCode = 404;
            return;
        }
        if (IsLfs(path))
        {
            // Like the hub: LFS content lives on a CDN with another host name; the token must not follow.
            Record(context, 302, 0);
            context.Response.Redirect($"http://localhost:{Endpoint.Port}/cdn/{Sha256(data)}?path={Uri.EscapeDataString(path)}&link={Volatile.Read(ref _linkGeneration)}");
            return;
        }
        await ServeAsync(context, path, data);
    }

    private Task CdnAsync(HttpContext context, string sha)
    {
        if (Interlocked.Increment(ref _cdnRequests) - 1 == ExpireLinksAfter)
        {
            Interlocked.Increment(ref _linkGeneration);
        }
        if (context.Request.Query["link"] != Volatile.Read(ref _linkGeneration).ToString(CultureInfo.InvariantCulture))
        {
            Record(context, 403, 0);
            context.Response.StatusCode = 403;
            return Task.CompletedTask;
        }
        var path = context.Request.Query["path"].ToString();
        return ServeAsync(context, path, Files[path]);
    }

    private async Task ServeAsync(HttpContext context, string path, byte[] data)
    {
        if (Interlocked.Decrement(ref Fail503Count) >= 0)
        {
            Record(context, 503, 0);
            context.Response.StatusCode = 503;
            context.Response.Headers.RetryAfter = "1";
            return;
        }
        long from = 0, to = data.Length - 1;
        var range = context.Request.Headers.Range.ToString();
        if (range.StartsWith("bytes=", StringComparison.Ordinal))
        {
            var parts = range[6..].Split('-');
            from = long.Parse(parts[0], CultureInfo.InvariantCulture);
            to = parts[1].Length > 0 ? Math.Min(long.Parse(parts[1], CultureInfo.InvariantCulture), data.Length - 1) : data.Length - 1;
            context.Response.StatusCode = 206;
            context.Response.Headers.ContentRange = $"bytes {from}-{to}/{data.Length}";
        }
        var body = data.AsSpan((int)from, (int)(to - from + 1)).ToArray();
        if (path == CorruptPath && body.Length > 0)
        {
            body[body.Length / 2] ^= 0x40;
        }
        context.Response.ContentLength = body.Length;
        if (path == CutOncePath || path == StallOncePath)
        {
            // Half the bytes, then the connection is cut (CutOncePath) or hangs until the client leaves (StallOncePath).
            var cut = path == CutOncePath;
            if (cut)
            {
                CutOncePath = null;
            }
            else
            {
                StallOncePath = null;
            }
            Record(context, context.Response.StatusCode, body.Length / 2);
            await context.Response.Body.WriteAsync(body.AsMemory(0, body.Length / 2));
            await context.Response.Body.FlushAsync();
            if (cut)
            {
                await Task.Delay(100); // the abort resets the connection, which drops whatever the client has not read yet
                context.Abort();
            }
            else
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            }
            return;
        }
        Record(context, context.Response.StatusCode, body.Length);
        await context.Response.Body.WriteAsync(body);
    }

    private void Record(HttpContext context, int status, long bytes) =>
        Requests.Enqueue(new HubRequest(context.Request.Path + context.Request.QueryString, context.Request.Headers.Range.ToString() is { Length: > 0 } r ? r : null,
            context.Request.Headers.Authorization.Count > 0, context.Request.Host.Host, status, bytes, TimeProvider.System.GetUtcNow()));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
