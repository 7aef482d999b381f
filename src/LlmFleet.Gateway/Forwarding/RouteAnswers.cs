using LlmFleet.Gateway.Routing;
using Microsoft.AspNetCore.Http;

namespace LlmFleet.Gateway.Forwarding;

/// <summary>What the client is told about where its request went, or why it could go nowhere.</summary>
internal static class RouteAnswers
{
    /// <summary>The pool that answered (the requested one or a fallback).</summary>
    public const string PoolHeader = "x-llmfleet-pool";

    /// <summary>The backend that answered, <c>host:port</c>.</summary>
    public const string BackendHeader = "x-llmfleet-backend";

    public static void WriteHeaders(IHeaderDictionary headers, GatewayRequest request)
    {
        headers[PoolHeader] = request.ServingPool.Name;
        if (request.Backend is { } backend)
        {
            headers[BackendHeader] = backend.State.Name;
        }
    }

    /// <summary>The 503 message when no attempt could be made: says which pools were looked at and, for a key that
    /// may not leave, that an external provider was there but not allowed.</summary>
    public static string NoBackendMessage(GatewayRequest request, FallbackChain chain)
    {
        var pool = request.Pool;
        if (request.PinnedBackend is { } pinned)
        {
            return $"backend {pinned.State.Name} of model '{pool.Name}', which holds response '{request.StoredResponseId}', is not available (unhealthy, ejected or draining); try again shortly";
        }
        var where = chain.Current == pool ? $"model '{pool.Name}'" : $"model '{pool.Name}' or its fallbacks ({string.Join(", ", pool.Fallbacks.Select(f => f.Name))})";
        return chain.HeldBackExternal
            ? $"no self-hosted backend of {where} is available, and this API key may not send requests to external providers (it was created with --no-external); try again shortly"
            : $"no healthy backend for {where}; try again shortly";
    }
}
