using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LlmFleet.Gateway.Observability;

/// <summary>
/// First on every request (forwarded or not, 404s included): settles its <see cref="RequestIds">request id</see>,
/// makes it the request's <see cref="HttpContext.TraceIdentifier"/>, puts it on the request headers YARP copies to
/// the backend, on the response (set as headers are sent, so a cleared error response keeps it and a backend's own
/// header is replaced), on the server span and in a logging scope around the rest of the pipeline; writes the
/// request's <see cref="AccessLog"/> line when it ends.
/// </summary>
internal sealed class RequestIdMiddleware(RequestDelegate next, AccessLog accessLog, TimeProvider time, ILogger<RequestIdMiddleware> logger)
{
    private static readonly Func<object, Task> SetResponseHeader = state =>
    {
        var context = (HttpContext)state;
        context.Response.Headers[RequestIds.Header] = context.TraceIdentifier;
        return Task.CompletedTask;
    };

    public async Task InvokeAsync(HttpContext context)
    {
        var start = time.GetTimestamp();
        var headers = context.Request.Headers;
        string id;
        if (headers.TryGetValue(RequestIds.Header, out var given) && given.Count == 1 && given[0] is { } sent && RequestIds.IsValid(sent))
        {
            id = sent;
        }
        else
        {
            id = RequestIds.New();
            headers[RequestIds.Header] = id;
        }
        context.TraceIdentifier = id;
        context.Response.OnStarting(SetResponseHeader, context);
        Activity.Current?.SetTag(GatewayTracing.RequestIdTag, id);
        using (logger.BeginScope(new RequestIdScope(id)))
        {
            try
            {
                await next(context);
            }
            finally
            {
                if (accessLog.Enabled)
                {
                    accessLog.Write(context, start);
                }
            }
        }
    }
}
