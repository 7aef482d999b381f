using LlmFleet.Gateway.Access.Keys;
using LlmFleet.Gateway.Access.Limits;

namespace LlmFleet.Gateway.Access;

/// <summary>What the access filter decided for one request, kept in the request's features for the usage observer.</summary>
internal sealed class AccessGrant
{
    public ApiKeyRecord? Key { get; init; }

    public LimitTicket? Ticket { get; init; }

    /// <summary>Set when the gateway asked the backend for stream usage on the client's behalf and hides it again.</summary>
    public UsageEventFilter? StreamFilter { get; set; }
}
