using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace LlmFleet.Gateway.Hosting;

/// <summary>
/// The limits the gateway's Kestrel enforces on clients, set here explicitly so they are stated, not inherited
/// (docs/reliability.md): slow or oversized request heads are cut off, idle keep-alive connections are closed, bodies
/// must keep arriving. The body's size limit is the gateway's own (<c>max_request_body_bytes</c>, answered 413 in
/// OpenAI's shape); responses (streams) have no minimum rate, since a token may take long to come.
/// </summary>
internal static class ServerLimits
{
    /// <summary>All request headers together; beyond: 431.</summary>
    public const int MaxRequestHeadersTotalBytes = 32 * 1024;

    public const int MaxRequestHeaderCount = 100;

    /// <summary>A client must have sent its whole request head by then (slowloris).</summary>
    public static readonly TimeSpan RequestHeadersTimeout = TimeSpan.FromSeconds(30);

    /// <summary>An idle keep-alive connection is closed after this.</summary>
    public static readonly TimeSpan KeepAliveTimeout = TimeSpan.FromSeconds(130);

    /// <summary>A request body must arrive at least this fast after a grace period.</summary>
    public static readonly MinDataRate MinRequestBodyDataRate = new(bytesPerSecond: 240, gracePeriod: TimeSpan.FromSeconds(5));

    /// <summary>Descriptors kept for the process itself (files, the store, the listener, metrics scrapes).</summary>
    public const long ReservedFiles = 256;

    /// <summary>
    /// Client connections at once: half of what the open-files limit leaves after <see cref="ReservedFiles"/>, so each
    /// can also hold a connection to a backend. Beyond it Kestrel closes a new connection at once. Without this bound,
    /// idle connections up to the limit made every later open fail (config reload, accept) and the gateway died
    /// ("Out of memory.") — bench/chaos/idle-connections.sh, docs/reliability.md. Null (no bound) where the limit is unknown.
    /// </summary>
    public static long? MaxConcurrentConnections(long? openFiles) =>
        openFiles is { } n && n > ReservedFiles * 2 ? (n - ReservedFiles) / 2 : null;

    public static void Apply(KestrelServerLimits limits)
    {
        limits.MaxConcurrentConnections = MaxConcurrentConnections(OpenFilesLimit.Read());
        limits.MaxRequestHeadersTotalSize = MaxRequestHeadersTotalBytes;
        limits.MaxRequestHeaderCount = MaxRequestHeaderCount;
        limits.RequestHeadersTimeout = RequestHeadersTimeout;
        limits.KeepAliveTimeout = KeepAliveTimeout;
        limits.MaxRequestBodySize = null;
        limits.MinRequestBodyDataRate = MinRequestBodyDataRate;
        limits.MinResponseDataRate = null;
    }
}
