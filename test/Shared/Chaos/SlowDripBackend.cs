using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LlmFleet.Testing.Chaos;

/// <summary>
/// A backend that answers every POST with a chat-completion SSE stream sent one byte per <see cref="ByteInterval"/>
/// (chunked encoding, one chunk per byte): the slowest stream that is still alive. GETs (<c>/health</c>,
/// <c>/metrics</c>) get an empty 200. Plain sockets, so nothing between the bytes and the wire buffers them.
/// </summary>
internal sealed class SlowDripBackend : IAsyncDisposable
{
    /// <summary>The stream every POST gets: one chunk event, then <c>[DONE]</c>.</summary>
    // Several events: the gateway holds a stream's first event whole (an error there is retried elsewhere), so the
    // relay-as-it-comes check needs events after the first.
    public static readonly byte[] Stream = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat(
        "data: {\"id\":\"drip\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"drip\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"drip\"},\"finish_reason\":null}]}\n\n", 4)) +
        "data: [DONE]\n\n");

    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly CancellationTokenSource _stop = new();
    private long _bytesSent;
    private int _open;

    public SlowDripBackend(TimeSpan byteInterval)
    {
        ByteInterval = byteInterval;
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(128);
        BaseAddress = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndPoint!).Port}/");
        _ = AcceptLoopAsync();
    }

    public TimeSpan ByteInterval { get; }

    public Uri BaseAddress { get; }

    /// <summary>Stream bytes sent so far, over all connections.</summary>
    public long BytesSent => Interlocked.Read(ref _bytesSent);

    /// <summary>Connections open now (the gateway's, once it stops forwarding a stream, closes its one).</summary>
    public int OpenConnections => Volatile.Read(ref _open);

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var socket = await _listener.AcceptAsync(_stop.Token);
                _ = ServeAsync(socket);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        Interlocked.Increment(ref _open);
        try
        {
            using (socket)
            {
                await using var stream = new NetworkStream(socket);
                while (await ReadRequestAsync(stream) is { } method)
                {
                    if (method != "POST")
                    {
                        await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"u8.ToArray(), _stop.Token);
                        continue;
                    }
                    await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"u8.ToArray(), _stop.Token);
                    foreach (var b in Stream)
                    {
                        await stream.WriteAsync(new byte[] { (byte)'1', (byte)'\r', (byte)'\n', b, (byte)'\r', (byte)'\n' }, _stop.Token);
                        Interlocked.Increment(ref _bytesSent);
                        await Task.Delay(ByteInterval, _stop.Token);
                    }
                    await stream.WriteAsync("0\r\n\r\n"u8.ToArray(), _stop.Token);
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
        finally
        {
            Interlocked.Decrement(ref _open);
        }
    }

    /// <summary>Reads one request (headers and a Content-Length body); its method, or null when the peer closed.</summary>
    private async Task<string?> ReadRequestAsync(NetworkStream stream)
    {
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(one, _stop.Token) == 0)
            {
                return null;
            }
            head.Append((char)one[0]);
        }
        var lines = head.ToString().Split("\r\n");
        var length = lines.Select(l => l.Split(':', 2)).Where(p => p.Length == 2 && p[0].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            .Select(p => long.Parse(p[1].Trim(), CultureInfo.InvariantCulture)).FirstOrDefault();
        var body = new byte[4096];
        while (length > 0)
        {
            var n = await stream.ReadAsync(body.AsMemory(0, (int)Math.Min(body.Length, length)), _stop.Token);
            if (n == 0)
            {
                return null;
            }
            length -= n;
        }
        return lines[0].Split(' ')[0];
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        _stop.Dispose();
    }
}
