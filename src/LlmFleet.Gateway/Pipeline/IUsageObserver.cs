using LlmFleet.Gateway.Routing;
using Microsoft.AspNetCore.Http;

namespace LlmFleet.Gateway.Pipeline;

/// <summary>
/// Told about every forwarded request once its response has ended: the usage ledger records tokens here.
/// Called on the request's thread after the last byte was sent: implementations must be quick (queue, do not write).
/// </summary>
public interface IUsageObserver
{
    void OnCompleted(HttpContext context, GatewayRequest request, int statusCode);
}
