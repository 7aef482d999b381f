using System.IO.Hashing;
using LlmFleet.Gateway.Errors;
using LlmFleet.Gateway.Metrics;
using LlmFleet.Gateway.Observability;
using LlmFleet.Gateway.Pipeline;
using LlmFleet.Gateway.Requests;
using LlmFleet.Gateway.Routing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace LlmFleet.Gateway.Forwarding;

/// <summary>
/// The request path (docs/architecture.md, "Serve"): read the body once, pick out <c>model</c> and <c>stream</c>,
/// resolve the pool, run the request filters, let the pool's policy pick a backend, forward with YARP. Retries go to
/// another backend only while nothing has reached the client; a stream that breaks later ends with an error event.
/// </summary>
internal sealed partial class GatewayForwarder(
    GatewayState state,
    IHttpForwarder forwarder,
    UpstreamInvoker invoker,
    GatewayMetrics metrics,
    AttemptSpans spans,
    IEnumerable<IGatewayRequestFilter> filters,
    IEnumerable<IUsageObserver> observers,
    TimeProvider time,
    ILogger<GatewayForwarder> logger)
{
    /// <summary>Model names longer than this cannot be configured names; they are answered 404 without a lookup.</summary>
    private const int MaxModelNameChars = 256;

    private readonly IGatewayRequestFilter[] _filters = filters.ToArray();
    private readonly IUsageObserver[] _observers = observers.ToArray();

    public async Task HandleAsync(HttpContext context)
    {
        var table = state.Current;
        var start = time.GetTimestamp();
        PooledBody? body;
        try
        {
            body = await PooledBody.ReadAsync(context.Request.Body, context.Request.ContentLength, table.Config.MaxRequestBodyBytes, context.RequestAborted);
        }
        catch (BadHttpRequestException e)
        {
            await RefuseAsync(context, "unknown", e.StatusCode, $"could not read the request body: {e.Message}");
            return;
        }
        if (body is null)
        {
            await RefuseAsync(context, "unknown", 413, $"the request body is larger than the gateway's limit of {table.Config.MaxRequestBodyBytes} bytes");
            return;
        }
        using (body)
        {
            var (inspection, pool) = Route(body.Span, context.Request.ContentType, table);
            if (inspection.Error is { } error)
            {
                await RefuseAsync(context, "unknown", 400, error);
                return;
            }
            if (!inspection.HasModel && pool is null)
            {
                await RefuseAsync(context, "unknown", 400, "the request has no 'model' and the gateway has no default_model (it serves several models); valid models: " + string.Join(", ", table.ModelNames), "model");
                return;
            }
            if (pool is null)
            {
                var sent = System.Text.Encoding.UTF8.GetString(body.Span[inspection.ModelToken]).Trim('"');
                await RefuseAsync(context, "unknown", 404,
                    $"The model `{sent}` does not exist. Valid models: {string.Join(", ", table.ModelNames)}.", "model");
                return;
            }
            var request = new GatewayRequest(pool, body, inspection, start);
            context.Features.Set(request); // for the access log
            if (inspection.HasPrefix && pool.Policy is PrefixAffinityPolicy)
            {
                request.AffinityKey = XxHash3.HashToUInt64(body.Span[inspection.Prefix]);
            }
            await RunAsync(context, request);
        }
    }

    /// <summary>The request filters, then forwarding: the path every routed request takes once its pool is known.</summary>
    internal async Task RunAsync(HttpContext context, GatewayRequest request)
    {
        foreach (var filter in _filters)
        {
            if (!await filter.OnRequestAsync(context, request))
            {
                metrics.RequestRefused(request.Pool.Name, context.Response.StatusCode);
                return;
            }
        }
        await ForwardAsync(context, request);
    }

    private static (RequestInspection, ModelPool?) Route(ReadOnlySpan<byte> body, string? contentType, RoutingTable table)
    {
        Span<char> model = stackalloc char[MaxModelNameChars];
        var inspection = MultipartInspector.Boundary(contentType) is { } boundary
            ? MultipartInspector.Inspect(body, boundary, model)
            : RequestInspector.Inspect(body, model);
        ModelPool? pool = null;
        if (inspection.Error is null && inspection.HasModel && !inspection.ModelTooLong)
        {
            table.TryGetPool(model[..inspection.ModelLength], out pool);
        }
        else if (inspection.Error is null && !inspection.HasModel)
        {
            pool = table.DefaultPool;
        }
        return (inspection, pool);
    }

    private async Task ForwardAsync(HttpContext context, GatewayRequest request)
    {
        var pool = request.Pool;
        var config = pool.Config;
        var exchange = new GatewayExchange(request, time);
        metrics.RequestStarted(pool);
        try
        {
            while (true)
            {
                var backend = exchange.Chain.Next();
                if (backend is null)
                {
                    if (request.Attempts == 0 || exchange.Chain.HeldBackExternal)
                    {
                        await OpenAiErrors.WriteAsync(context, 503, RouteAnswers.NoBackendMessage(request, exchange.Chain), retryAfterSeconds: 1);
                    }
                    else
                    {
                        await OpenAiErrors.WriteAsync(context, 502, $"every backend tried for model '{pool.Name}' failed");
                    }
                    return;
                }
                if (request.Attempts > 0)
                {
                    metrics.Retried(pool);
                }
                request.Attempts++;
                request.Backend = backend;
                var span = spans.Enabled ? spans.Start(context, request, backend) : null;
                exchange.BeginAttempt(context, backend, span);
                var attemptStart = time.GetTimestamp();
                bool done;
                try
                {
                    backend.State.Begin();
                    ForwarderError error;
                    try
                    {
                        error = await forwarder.SendAsync(context, backend.State.Prefix, invoker.Invoker, request.ServingPool.ForwarderConfig, exchange);
                    }
                    finally
                    {
                        backend.State.End();
                    }
                    metrics.UpstreamLatency(pool, backend.State, time.GetElapsedTime(attemptStart));
                    done = await ConcludeAsync(context, request, exchange, backend, error);
                    if (span is not null)
                    {
                        EndSpan(span, exchange, attemptStart, error);
                    }
                }
                catch (Exception e) when (span is not null)
                {
                    // The span is exported only once ended; an attempt that throws ends it with the exception's type.
                    spans.End(span, exchange.UpstreamStatus, null, null, attemptStart, 0, e.GetType().FullName);
                    throw;
                }
                if (done)
                {
                    return;
                }
                // Nothing reached the client: clear what the failed attempt left and try another backend.
                context.Response.Clear();
                context.Features.Set<IForwarderErrorFeature>(null);
            }
        }
        finally
        {
            exchange.ReleaseBuffers();
            var status = context.RequestAborted.IsCancellationRequested ? 499
                : exchange.Upstream is { HeldBack: false } relayed ? relayed.OutcomeStatus(context.Response.StatusCode)
                : context.Response.StatusCode;
            metrics.RequestEnded(pool, request.Backend?.State, status);
            // A stored response read back carries the usage it was counted with when created: not counted again.
            if (exchange.Upstream is { } upstream && request.PinnedBackend is null)
            {
                request.CreatedResponseId = upstream.ResponseIds?.ResponseId;
                request.Usage = upstream.Usage;
                if (upstream.Usage is { } usage)
                {
                    metrics.Tokens(pool, usage.PromptTokens, usage.CompletionTokens);
                }
                if (upstream.IsEventStream && upstream.FirstByteTimestamp != 0)
                {
                    request.FirstByteTimestamp = upstream.FirstByteTimestamp;
                    metrics.TimeToFirstToken(pool, time.GetElapsedTime(request.StartTimestamp, upstream.FirstByteTimestamp));
                }
            }
            foreach (var observer in _observers)
            {
                observer.OnCompleted(context, request, status);
            }
        }
    }

    /// <summary>Ends an attempt's span with what the backend answered.</summary>
    private void EndSpan(System.Diagnostics.Activity span, GatewayExchange exchange, long attemptStart, ForwarderError error)
    {
        var upstream = exchange.Upstream;
        spans.End(span, exchange.UpstreamStatus, upstream?.Usage, upstream?.Model, attemptStart,
            upstream is { IsEventStream: true } ? upstream.FirstByteTimestamp : 0, exchange.AttemptError(error));
    }

    /// <summary>Settles one attempt: true when the request is done, false to retry on another backend.</summary>
    private async Task<bool> ConcludeAsync(HttpContext context, GatewayRequest request, GatewayExchange exchange, PoolBackend backend, ForwarderError error)
    {
        var pool = request.ServingPool;
        if (error == ForwarderError.None)
        {
            if (exchange.RetryRequested)
            {
                RecordFailure(pool, backend);
                Log.Retrying(logger, pool.Name, backend.State.Name, $"HTTP {exchange.UpstreamStatus}");
                return false;
            }
            if (exchange.Upstream is { Failure: StreamFailure.ErrorEvent } reported)
            {
                // The backend reported a failure inside its 200 stream (and ended it itself): a failed attempt,
                // retried elsewhere when its error was the first event and so was held back from the client.
                RecordFailure(pool, backend);
                Log.StreamError(logger, pool.Name, backend.State.Name, reported.ErrorMessage ?? "no message");
                return !reported.HeldBack;
            }
            if (exchange.Upstream is { Failure: not StreamFailure.None } upstream)
            {
                // The stream had started: no retry. End it in a way clients understand.
                RecordFailure(pool, backend);
                var timedOut = upstream.Failure == StreamFailure.TimedOut;
                Log.StreamBroken(logger, pool.Name, backend.State.Name, upstream.Failure.ToString());
                await OpenAiErrors.WriteStreamErrorAsync(context, upstream.EndsOnEventBoundary, timedOut ? 504 : 502,
                    timedOut ? $"the backend sent nothing for longer than the configured timeout; the stream was ended by the gateway"
                             : $"the backend's stream broke off; the gateway ended it");
                return true;
            }
            if (exchange.UpstreamStatus >= 500)
            {
                RecordFailure(pool, backend);
            }
            else
            {
                backend.State.RecordSuccess();
            }
            return true;
        }
        if (context.RequestAborted.IsCancellationRequested)
        {
            // The client left; YARP has cancelled the upstream request, which makes vLLM abort it.
            return true;
        }
        RecordFailure(pool, backend);
        var exception = context.Features.Get<IForwarderErrorFeature>()?.Exception;
        if (context.Response.HasStarted)
        {
            Log.ResponseFailed(logger, pool.Name, backend.State.Name, $"{error}: {exception?.Message}");
            return true;
        }
        if (error == ForwarderError.RequestTimedOut)
        {
            // Nothing reached the client: a backend that went silent (a partition, a hung process) costs this request
            // one first-byte timeout, not an error.
            if (exchange.CanRetry())
            {
                Log.Retrying(logger, pool.Name, backend.State.Name, "no answer within the first-byte timeout");
                return false;
            }
            await OpenAiErrors.WriteAsync(context, 504, $"the backend for model '{pool.Name}' did not answer within {pool.Config.Timeouts.FirstToken.TotalSeconds:0.###} s");
            return true;
        }
        // A key that may not leave, with only external backends left, is told so (503) rather than given this failure.
        if ((error is ForwarderError.Request or ForwarderError.RequestCanceled or ForwarderError.ResponseHeaders) && (exchange.CanRetry() || exchange.Chain.HeldBackExternal))
        {
            Log.Retrying(logger, pool.Name, backend.State.Name, exception?.Message ?? error.ToString());
            return false;
        }
        Log.ResponseFailed(logger, pool.Name, backend.State.Name, $"{error}: {exception?.Message}");
        await OpenAiErrors.WriteAsync(context, 502, $"the backend for model '{pool.Name}' failed: {exception?.Message ?? error.ToString()}");
        return true;
    }

    private void RecordFailure(ModelPool pool, PoolBackend backend)
    {
        var health = pool.Config.Health;
        if (backend.State.RecordFailure(health.EjectAfter, health.Ejection, health.MaxEjection, time.GetUtcNow()))
        {
            metrics.Ejected(backend.State);
            Log.Ejected(logger, backend.State.Name, backend.State.ConsecutiveFailures);
        }
    }

    private async Task RefuseAsync(HttpContext context, string model, int status, string message, string? param = null)
    {
        metrics.RequestRefused(model, status);
        await OpenAiErrors.WriteAsync(context, status, message, param);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Retrying a request for {Model}: backend {Backend} failed before answering ({Reason})")]
        public static partial void Retrying(ILogger logger, string model, string backend, string reason);

        [LoggerMessage(2, LogLevel.Warning, "A stream for {Model} from backend {Backend} ended early ({Reason}); sent an error event")]
        public static partial void StreamBroken(ILogger logger, string model, string backend, string reason);

        [LoggerMessage(3, LogLevel.Warning, "A request for {Model} to backend {Backend} failed: {Error}")]
        public static partial void ResponseFailed(ILogger logger, string model, string backend, string error);

        [LoggerMessage(18, LogLevel.Warning, "A stream for {Model} from backend {Backend} carried an error event: {Message}")]
        public static partial void StreamError(ILogger logger, string model, string backend, string message);

        [LoggerMessage(4, LogLevel.Warning, "Ejected backend {Backend} after {Failures} consecutive failures")]
        public static partial void Ejected(ILogger logger, string backend, int failures);
    }
}
