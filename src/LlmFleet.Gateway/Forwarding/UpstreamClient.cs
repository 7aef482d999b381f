using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace LlmFleet.Gateway.Forwarding;

/// <summary>
/// The one <see cref="HttpMessageInvoker"/> every forwarded request goes through: a single
/// <see cref="SocketsHttpHandler"/>, so keep-alive connections to each backend are pooled and reused across pools and
/// reloads. Connect timeouts are per pool, so they travel on the request (<see cref="ConnectTimeoutOption"/>) and
/// the connect callback applies them.
/// </summary>
internal static class UpstreamClient
{
    public static readonly HttpRequestOptionsKey<TimeSpan> ConnectTimeoutOption = new("llmfleet.connect_timeout");

    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(2);

    public static HttpMessageInvoker Create() => new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        // Traces are propagated by the forwarder's own headers, not by the handler (saves work per request).
        ActivityHeadersPropagator = DistributedContextPropagator.CreateNoOutputPropagator(),
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
        // Far more than any backend's max_num_seqs: a connection per concurrent stream.
        MaxConnectionsPerServer = int.MaxValue,
        ConnectCallback = ConnectAsync,
    }, disposeHandler: true);

    private static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var timeout = context.InitialRequestMessage.Options.TryGetValue(ConnectTimeoutOption, out var t) ? t : DefaultConnectTimeout;
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, cts.Token);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new HttpRequestException(HttpRequestError.ConnectionError,
                $"connecting to {context.DnsEndPoint.Host}:{context.DnsEndPoint.Port} timed out after {timeout.TotalSeconds:0.###} s");
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
