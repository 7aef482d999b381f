using LlmFleet.Gateway.Errors;
using LlmFleet.Gateway.Pipeline;
using LlmFleet.Gateway.Requests;
using LlmFleet.Gateway.Routing;
using Microsoft.AspNetCore.Http;

namespace LlmFleet.Gateway.Forwarding;

/// <summary>
/// The Responses API's routes that name a response instead of a model (<c>GET /v1/responses/{id}</c>, <c>POST
/// /v1/responses/{id}/cancel</c>): sent to the backend that created the response, as <see cref="ResponsePins"/>
/// recorded it, through the same request path as every request (access checks, metrics, access log), without
/// retries elsewhere, since no other backend holds the response. Also records the pins, as a usage observer.
/// </summary>
internal sealed class StoredResponses(ResponsePins pins, GatewayState state, GatewayForwarder forwarder, TimeProvider time)
{
    /// <summary>The route whose answers create responses.</summary>
    public const string CreatePath = "/v1/responses";

    public const string RetrievePattern = "/v1/responses/{id}";

    public const string CancelPattern = "/v1/responses/{id}/cancel";

    public async Task HandleAsync(HttpContext context)
    {
        var id = (string)context.Request.RouteValues["id"]!;
        if (!pins.TryFind(id, out var pin))
        {
            await OpenAiErrors.WriteAsync(context, 404,
                $"Response with id '{id}' not found: no response with this id was created through this gateway (or it was forgotten; the gateway remembers {ResponsePins.Capacity} for {ResponsePins.Expiry.TotalHours:0} h since last use).",
                "response_id");
            return;
        }
        var table = state.Current;
        if (!table.TryGetPool(pin.Pool, out var pool) || pool.Backends.FirstOrDefault(b => b.State.Name == pin.Backend) is not { } backend)
        {
            await OpenAiErrors.WriteAsync(context, 503,
                $"response '{id}' is held by backend {pin.Backend} of model '{pin.Pool}', which is no longer in the gateway's configuration");
            return;
        }
        using var body = PooledBody.Empty();
        var request = new GatewayRequest(pool, body, default, time.GetTimestamp())
        {
            PinnedBackend = backend,
            StoredResponseId = id,
        };
        await forwarder.RunAsync(context, request);
    }

    /// <summary>Records which backend created each response that passes the gateway.</summary>
    public sealed class PinRecorder(ResponsePins pins) : IUsageObserver
    {
        public void OnCompleted(HttpContext context, GatewayRequest request, int statusCode)
        {
            if (request.CreatedResponseId is { } id && statusCode < 300 && request.Backend is { } backend)
            {
                pins.Record(id, request.ServingPool.Name, backend.State.Name);
            }
        }
    }
}
