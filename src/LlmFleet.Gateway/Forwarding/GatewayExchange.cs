using System.Diagnostics;
using LlmFleet.Gateway.Observability;
using LlmFleet.Gateway.Requests;
using LlmFleet.Gateway.Routing;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace LlmFleet.Gateway.Forwarding;

/// <summary>
/// One request's conversation with its backends, as YARP's transformer: it sends the buffered body (with the
/// backend's served model name written in when it differs) and the backend's own key when it has one, holds back a
/// 502/503 while another backend could still take the request, and wraps the response body for the usage tee and the
/// stream guards, and to give the answer's <c>model</c> the client's name again.
/// </summary>
internal sealed class GatewayExchange(GatewayRequest request, TimeProvider time) : HttpTransformer
{
    private PooledBody? _rewritten;
    private byte[]? _rewrittenFor;
    private bool _attemptRenamed;

    /// <summary>Where the attempts go: the pool's backends, then its fallbacks.</summary>
    public FallbackChain Chain { get; } = new(request);

    /// <summary>The last attempt answered 502/503 and was held back for a retry.</summary>
    public bool RetryRequested { get; private set; }

    /// <summary>The status the backend answered on the last attempt; 0 when it did not answer.</summary>
    public int UpstreamStatus { get; private set; }

    /// <summary>The last attempt's response body wrapper; null when no body was relayed.</summary>
    public UpstreamResponseStream? Upstream { get; private set; }

    /// <summary>The last attempt's client span (<see cref="AttemptSpans"/>); null when traces are off.</summary>
    public Activity? Span { get; private set; }

    /// <summary>
    /// Prepares an attempt on <paramref name="backend"/>. YARP streams the outgoing body from
    /// <see cref="HttpRequest.Body"/> (it does not allow replacing the outgoing content), so each attempt points the
    /// request at a fresh stream over the buffered body, rewritten for the backend's served model when needed.
    /// </summary>
    public void BeginAttempt(HttpContext context, PoolBackend backend, Activity? span)
    {
        Span = span;
        var body = BodyFor(backend);
        _attemptRenamed = !ReferenceEquals(body, request.Body) && !request.Inspection.Multipart;
        context.Request.Body = body.OpenRead();
        context.Request.ContentLength = body.Length;
        context.Request.Headers.TransferEncoding = default;
        RetryRequested = false;
        UpstreamStatus = 0;
        Upstream = null;
    }

    /// <summary>What went wrong in the last attempt, as its span's <c>error.type</c>: the backend's 5xx status, YARP's
    /// error, or how the stream failed; null when it succeeded.</summary>
    public string? AttemptError(ForwarderError error) =>
        error != ForwarderError.None ? error.ToString()
        : UpstreamStatus >= 500 ? UpstreamStatus.ToString(System.Globalization.CultureInfo.InvariantCulture)
        : Upstream is { Failure: not StreamFailure.None } failed ? failed.Failure.ToString()
        : null;

    /// <summary>Whether a retry could go anywhere: attempts left and an untried, available backend, here or in a fallback.</summary>
    public bool CanRetry() => Chain.CanRetry();

    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        proxyRequest.Options.Set(UpstreamClient.ConnectTimeoutOption, request.ServingPool.Config.Timeouts.Connect);
        if (Span is { } span)
        {
            AttemptSpans.Inject(span, proxyRequest);
        }
        if (request.Backend?.Authorization is { } authorization) // the backend of this attempt
        {
            proxyRequest.Headers.Remove("Authorization");
            proxyRequest.Headers.TryAddWithoutValidation("Authorization", authorization);
        }
    }

    public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        if (proxyResponse is null)
        {
            return await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
        }
        UpstreamStatus = (int)proxyResponse.StatusCode;
        if (UpstreamStatus is 502 or 503 && CanRetry())
        {
            // Nothing has been sent to the client: drop this answer and let the caller try another backend.
            RetryRequested = true;
            return false;
        }
        await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
        RouteAnswers.WriteHeaders(httpContext.Response.Headers, request);
        var mediaType = proxyResponse.Content.Headers.ContentType?.MediaType;
        var isEventStream = mediaType == "text/event-stream";
        var askedModel = AskedModelToRestore(mediaType);
        if (askedModel is not null)
        {
            httpContext.Response.ContentLength = null; // the name's length may differ
        }
        var timeouts = request.ServingPool.Config.Timeouts;
        var aborted = httpContext.RequestAborted;
        proxyResponse.Content = new UpstreamContent(proxyResponse.Content, inner =>
        {
            Upstream = new UpstreamResponseStream(inner, isEventStream, timeouts.FirstToken, timeouts.Idle, aborted, time,
                () => !httpContext.Response.HasStarted && CanRetry())
            {
                ResponseIds = UpstreamStatus < 300 && httpContext.Request.Path == StoredResponses.CreatePath ? new ResponseIdScanner() : null,
                ReadsModel = Span is { IsAllDataRequested: true },
            };
            return askedModel is null ? Upstream : new ModelNameStream(Upstream, askedModel);
        });
        return true;
    }

    /// <summary>The client's model name to write back into a JSON or event-stream answer, when this attempt went out
    /// under the backend's name; null when the answer is relayed as it is.</summary>
    private byte[]? AskedModelToRestore(string? mediaType) =>
        _attemptRenamed && mediaType is "application/json" or "text/event-stream"
            ? request.Body.Span[request.Inspection.ModelToken].ToArray()
            : null;

    private PooledBody BodyFor(PoolBackend backend)
    {
        var inspection = request.Inspection;
        if ((inspection.Multipart ? backend.ServedModelUtf8 : backend.ServedModelJson) is not { } served || !inspection.HasModel
            || request.Body.Span[inspection.ModelToken].SequenceEqual(served))
        {
            return request.Body;
        }
        if (!ReferenceEquals(_rewrittenFor, served))
        {
            _rewritten?.Dispose();
            _rewritten = request.Body.Splice(inspection.ModelToken, served);
            _rewrittenFor = served;
        }
        return _rewritten!;
    }

    public void ReleaseBuffers() => _rewritten?.Dispose();
}
