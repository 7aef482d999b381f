using System.Net;

namespace LlmFleet.Gateway.Forwarding;

/// <summary>Puts a wrapper (<see cref="UpstreamResponseStream"/>, <see cref="ModelNameStream"/>) in place of a backend response's content, headers kept.</summary>
internal sealed class UpstreamContent : HttpContent
{
    private readonly HttpContent _inner;
    private readonly Func<Stream, Stream> _wrap;

    public UpstreamContent(HttpContent inner, Func<Stream, Stream> wrap)
    {
        _inner = inner;
        // Headers are not copied: the forwarder has already sent them to the client before it reads the body.
        _wrap = wrap;
    }

    protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) =>
        _wrap(await _inner.ReadAsStreamAsync(cancellationToken));

    protected override Task<Stream> CreateContentReadStreamAsync() => CreateContentReadStreamAsync(CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await using var source = await CreateContentReadStreamAsync(cancellationToken);
        await source.CopyToAsync(stream, cancellationToken);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
