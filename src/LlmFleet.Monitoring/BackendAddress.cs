namespace LlmFleet.Monitoring;

/// <summary>
/// Where a vLLM server listens, with the two names taken from it once: the scheme-host-port prefix (what YARP appends
/// a request path to and exporters name their backend by) and host:port (the <c>backend</c> label of metrics).
/// </summary>
public sealed record BackendAddress(Uri Url)
{
    public string Prefix { get; } = Url.GetLeftPart(UriPartial.Authority);

    public string Name { get; } = Url.Authority;
}
