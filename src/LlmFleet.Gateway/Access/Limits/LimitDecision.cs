namespace LlmFleet.Gateway.Access.Limits;

/// <summary>The answer of <see cref="IRateLimits.AcquireAsync"/>: a ticket to release later, or the limit that refused.</summary>
public readonly record struct LimitDecision(LimitTicket? Ticket, LimitKind Refused, TimeSpan RetryAfter)
{
    public bool Allowed => Ticket is not null;

    public static LimitDecision Admit(LimitTicket ticket) => new(ticket, LimitKind.None, TimeSpan.Zero);

    public static LimitDecision Refuse(LimitKind kind, TimeSpan retryAfter) =>
        new(null, kind, retryAfter < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : retryAfter);
}
