namespace LlmFleet.Gateway.Forwarding;

/// <summary>The gateway's one shared <see cref="HttpMessageInvoker"/> (see <see cref="UpstreamClient"/>), owned by the host.</summary>
internal sealed class UpstreamInvoker : IDisposable
{
    public HttpMessageInvoker Invoker { get; } = UpstreamClient.Create();

    public void Dispose() => Invoker.Dispose();
}
