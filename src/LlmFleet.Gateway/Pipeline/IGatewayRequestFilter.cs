using LlmFleet.Gateway.Routing;
using Microsoft.AspNetCore.Http;

namespace LlmFleet.Gateway.Pipeline;

/// <summary>
/// A step between routing and forwarding, for what needs the parsed request: API keys, rate and token limits.
/// Registered filters run in registration order; none are registered by default, so the request path pays nothing
/// for the seam.
/// </summary>
public interface IGatewayRequestFilter
{
    /// <summary>False when the filter has written the response itself (e.g. 429) and the request must not be forwarded.</summary>
    ValueTask<bool> OnRequestAsync(HttpContext context, GatewayRequest request);
}
